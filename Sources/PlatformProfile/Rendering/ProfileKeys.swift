import Crypto
import Foundation
import PayloadCipher

/// The cipher and signing key of one uplink, set up once from its secrets.
struct ProfileKeys: Sendable {
    /// The secrets' texts, for `${secret.NAME}`.
    let secrets: [String: String]
    let cipher: PayloadCipher?
    let signingKey: [UInt8]?

    init(profile: PlatformProfile, secrets: [String: String]) throws(ProfileError) {
        self.secrets = secrets
        if let spec = profile.encryption {
            let what = "profile '\(profile.name)'"
            do throws(CipherError) {
                let key = try spec.keyForm.bytes(
                    from: secrets[spec.keySecret] ?? "",
                    size: spec.suite.cipher.keySize,
                    what: "\(what): the key (secret '\(spec.keySecret)')"
                )
                let iv = try spec.ivSecret.map { name throws(CipherError) in
                    try spec.ivForm.bytes(
                        from: secrets[name] ?? "",
                        size: spec.suite.cipher.blockSize,
                        what: "\(what): the IV (secret '\(name)')"
                    )
                }
                cipher = try PayloadCipher(suite: spec.suite, key: key, iv: iv, what: what)
            } catch {
                throw ProfileError(error.description)
            }
        } else {
            cipher = nil
        }
        if let spec = profile.signing {
            do throws(CipherError) {
                let text = secrets[spec.keySecret] ?? ""
                let size =
                    switch spec.keyForm {
                    case .hex: text.utf8.count / 2
                    case .base64: BinaryText.bytes(fromBase64: text)?.count ?? 0
                    case .text, .paddedText: text.utf8.count
                    }
                signingKey = try spec.keyForm.bytes(
                    from: text,
                    size: max(size, 1),
                    what: "profile '\(profile.name)': the signing key (secret '\(spec.keySecret)')"
                )
            } catch {
                throw ProfileError(error.description)
            }
        } else {
            signingKey = nil
        }
    }

    /// `plaintext` encrypted and written as the profile's output text.
    func encrypt(_ plaintext: [UInt8], profile: PlatformProfile) throws(ProfileError) -> String {
        guard let cipher, let spec = profile.encryption else {
            throw ProfileError("profile '\(profile.name)' encrypts a part but has no 'encryption' section")
        }
        do throws(CipherError) {
            return spec.output.text(try cipher.encrypt(plaintext))
        } catch {
            throw ProfileError("profile '\(profile.name)': \(error.description)")
        }
    }

    func decrypt(_ text: String, profile: PlatformProfile) throws(ProfileError) -> [UInt8] {
        guard let cipher, let spec = profile.encryption else {
            throw ProfileError("profile '\(profile.name)' has no 'encryption' section")
        }
        guard let bytes = spec.output.bytes(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ProfileError("profile '\(profile.name)': the ciphertext is not \(spec.output.rawValue) text")
        }
        do throws(CipherError) {
            return try cipher.decrypt(bytes)
        } catch {
            throw ProfileError("profile '\(profile.name)': \(error.description)")
        }
    }

    /// The signature header of `body`, or nil when the profile does not sign.
    func signature(of body: [UInt8], profile: PlatformProfile) throws(ProfileError) -> (name: String, value: String)? {
        guard let spec = profile.signing, let key = signingKey else { return nil }
        let code: [UInt8]
        switch spec.algorithm {
        case .hmacSHA256:
            code = Array(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: key)))
        case .hmacSM3:
            do throws(CipherError) {
                code = try HMACSM3.authenticationCode(for: body, key: key)
            } catch {
                throw ProfileError("profile '\(profile.name)': \(error.description)")
            }
        }
        return (spec.header, spec.output.text(code))
    }
}
