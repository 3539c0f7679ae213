import Foundation

/// Checks an uplink's base URL: `http://` or `https://`, a host, a port from 1 to 65535, no spaces or
/// control characters, and no `user:password@` (credentials belong in the environment variables
/// named by `token_env` and `hmac_secret_env`, never in the file nor on the status page).
public enum UplinkURL {
    /// What is wrong with a `tcp://HOST:PORT` url of a framed-TCP profile uplink, or nil.
    static func tcpProblem(_ url: String) -> String? {
        tcpAddress(url) == nil ? "must be tcp://HOST:PORT (a port from 1 to 65535), with nothing after the port" : nil
    }

    /// The host and port of `tcp://HOST:PORT`, or nil.
    public static func tcpAddress(_ url: String) -> (host: String, port: Int)? {
        guard url.lowercased().hasPrefix("tcp://") else { return nil }
        let rest = url.dropFirst(6)
        guard let colon = rest.lastIndex(of: ":") else { return nil }
        var host = String(rest[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains("@" as Character), !host.contains("/" as Character),
            host.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }),
            let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port)
        else { return nil }
        return (host, port)
    }

    /// What is wrong with `url`, or nil when it is usable. Never quotes the URL's user or password.
    static func problem(_ url: String) -> String? {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            return "must start with http:// or https://"
        }
        let afterScheme = url[url.index(url.firstIndex(of: ":")!, offsetBy: 3)...]
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.contains("@" as Character) {
            return "holds a user name or password ('…@'): remove them from the url and give the platform's "
                + "credentials through the environment variables named by token_env (bearer token) and "
                + "hmac_secret_env (signing secret)"
        }
        if url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
            return "must not contain spaces or control characters (write a space in a path as %20)"
        }
        guard let components = URLComponents(string: url) else {
            return "is not a valid URL"
        }
        // The host as written (`encodedHost`): `host` decodes it with ICU's IDNA, loading its data.
        guard let host = components.encodedHost, !host.isEmpty else {
            return "has no host: write it as https://platform.example/api"
        }
        // URLComponents reads ports past 65535 (and Foundation on Linux may drop them): check the text.
        let hostAndPort =
            authority.hasPrefix("[") ? String(authority.drop { $0 != "]" }.dropFirst()) : String(authority)
        if let colon = hostAndPort.lastIndex(of: ":") {
            let portText = hostAndPort[hostAndPort.index(after: colon)...]
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCII), let port = Int(portText),
                (1...65535).contains(port)
            else {
                return "has port \(MappingReader.quoted(String(portText))): a port is a number from 1 to 65535"
            }
        }
        if components.fragment != nil {
            return "must not have a fragment ('#…')"
        }
        return nil
    }

    /// The password (or user) of every `scheme://user:password@host` in a text.
    static func secrets(in text: String) -> [String] {
        var secrets: [String] = []
        var rest = Substring(text)
        while let scheme = schemeSeparator(in: rest) {
            let end = rest[scheme.upperBound...].firstIndex { " \t\n\r\"'/?#,{}[]".contains($0) } ?? rest.endIndex
            if let secret = secret(in: "x" + rest[scheme.lowerBound..<end]) { secrets.append(secret) }
            rest = rest[scheme.upperBound...]
        }
        return secrets
    }

    /// The password of a `user:password@` URL, so messages can hide it from the quoted line.
    static func secret(in url: String) -> String? {
        guard let schemeEnd = schemeSeparator(in: Substring(url)) else { return nil }
        let authority = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@") else { return nil }
        let userInfo = authority[..<at]
        guard !userInfo.isEmpty else { return nil }
        if let colon = userInfo.firstIndex(of: ":") {
            let password = userInfo[userInfo.index(after: colon)...]
            return password.isEmpty ? String(userInfo) : String(password)
        }
        return String(userInfo)
    }

    /// The first `://` in `text`, found byte by byte: Foundation's `range(of:)` searches through
    /// CoreFoundation and its Unicode tables, which every start would then keep resident.
    static func schemeSeparator(in text: Substring) -> Range<String.Index>? {
        let bytes = text.utf8
        var index = bytes.startIndex
        while index != bytes.endIndex {
            if bytes[index...].starts(with: "://".utf8) { return index..<bytes.index(index, offsetBy: 3) }
            bytes.formIndex(after: &index)
        }
        return nil
    }
}
