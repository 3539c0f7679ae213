#ifndef CLIBCRYPTO_SHIM_H
#define CLIBCRYPTO_SHIM_H

// The system's OpenSSL 3 libcrypto (Debian: libssl-dev), for the ciphers swift-crypto has no API
// for: SM4 and AES in ECB/CBC, and HMAC over SM3. Only the PayloadCipher module imports this.
#include <openssl/evp.h>
#include <openssl/err.h>

#endif
