import DeviceMap
import Foundation
import PayloadCipher
import Yams

/// The sections of a profile other than its messages: transport, time, values, codes, encryption,
/// signing and the reply rule.
extension ProfileLoader {
    static func readTransport(_ top: MappingReader) -> ProfileTransport? {
        guard let node = top.node("transport") else { return .http }
        if let text = node.scalar?.string {
            switch text {
            case "http": return .http
            case "mqtt": return .mqtt
            default:
                top.log.error(
                    "transport is 'http', 'mqtt', or a mapping with 'type: tcp' and its framing; not \(node.kindName)",
                    at: top.document.position(of: node)
                )
                return nil
            }
        }
        guard
            let reader = MappingReader(
                node,
                context: "transport",
                allowed: transportKeys,
                document: top.document,
                log: top.log
            )
        else { return nil }
        let type = reader.string("type", required: true)
        guard type == "tcp" else {
            if type == "http" || type == "mqtt" {
                reader.log.error(
                    "transport '\(type!)' has no framing: write 'transport: \(type!)'",
                    at: reader.position(of: "type")
                )
            } else if let type {
                reader.log.error(
                    "transport type must be 'tcp' here, not \(MappingReader.quoted(type))",
                    at: reader.position(of: "type")
                )
            }
            return nil
        }
        let delimiter = reader.string("delimiter")
        let prefix = reader.int("length_prefix")
        let boundary: Framing.Boundary
        switch (delimiter, prefix) {
        case (let delimiter?, nil):
            boundary = .delimiter(Array(delimiter.utf8))
        case (nil, let prefix?):
            guard [1, 2, 4].contains(prefix) else {
                reader.log.error(
                    "length_prefix is the size of the big-endian length in bytes: 1, 2 or 4, not \(prefix)",
                    at: reader.position(of: "length_prefix")
                )
                return nil
            }
            boundary = .lengthPrefix(bytes: prefix)
        case (.some, .some):
            reader.log.error("a tcp transport has either 'delimiter' or 'length_prefix', not both", at: reader.position)
            return nil
        case (nil, nil):
            reader.log.error(
                "a tcp transport needs 'delimiter' (such as \"@@\") or 'length_prefix' (1, 2 or 4)",
                at: reader.position
            )
            return nil
        }
        let maxReply = reader.int("max_reply_bytes", in: 64...16_000_000) ?? 1 << 20
        return .tcp(Framing(boundary: boundary, expectsReply: reader.bool("reply") ?? false, maxReplyBytes: maxReply))
    }

    static func readTime(_ top: MappingReader) -> TimeFormat? {
        let reader = top.mapping("time", context: "time", allowed: timeKeys)
        let format = reader?.string("format") ?? "iso8601"
        let zone = reader?.string("zone") ?? "Asia/Shanghai"
        let style: TimeFormat.Style
        switch format {
        case "iso8601": style = .iso8601
        case "epoch_ms": style = .epochMilliseconds
        case "epoch_s": style = .epochSeconds
        default:
            let (tokens, problem) = TimeFormat.tokens(of: format)
            guard let tokens, let reader else {
                top.log.error(
                    "time format \(MappingReader.quoted(format)): \(problem ?? "unreadable"); or use iso8601, epoch_ms, epoch_s",
                    at: reader?.position(of: "format") ?? top.position
                )
                return nil
            }
            _ = reader
            style = .pattern(tokens)
        }
        guard let time = TimeFormat(style: style, zone: zone) else {
            top.log.error(
                "time zone \(MappingReader.quoted(zone)) is not a known zone; write an IANA name such as Asia/Shanghai or UTC",
                at: reader?.position(of: "zone") ?? top.position
            )
            return nil
        }
        return time
    }

    static func readValues(_ top: MappingReader) -> ValueStyle {
        var style = ValueStyle()
        guard let reader = top.mapping("values", context: "values", allowed: valueKeys) else { return style }
        if let text = reader.string("as") {
            switch text {
            case "number": style.asString = false
            case "string": style.asString = true
            default:
                reader.log.error(
                    "'as' in values is 'number' or 'string', not \(MappingReader.quoted(text))",
                    at: reader.position(of: "as")
                )
            }
        }
        if let text = reader.string("decimals") {
            switch text {
            case "point": style.usePointDecimals = true
            case "keep": style.usePointDecimals = false
            default:
                reader.log.error(
                    "'decimals' in values is 'point' (the point's decimals, written in full) or 'keep' (the shortest text), not \(MappingReader.quoted(text))",
                    at: reader.position(of: "decimals")
                )
            }
        }
        if let text = reader.string("booleans") {
            switch text {
            case "number": style.jsonBooleans = false
            case "json": style.jsonBooleans = true
            default:
                reader.log.error(
                    "'booleans' in values is 'number' (1/0, or \"1\"/\"0\" as strings) or 'json' (true/false), not \(MappingReader.quoted(text))",
                    at: reader.position(of: "booleans")
                )
            }
        }
        if let node = reader.node("missing") {
            let text = node.scalar?.string
            switch (text, node.scalar?.style) {
            case ("null", .plain?), ("~", .plain?): style.missing = .null
            case ("omit", _): style.missing = .omit
            case (let text?, _): style.missing = .text(text)
            default: reader.log.error("'missing' in values is null, omit or a text", at: reader.position(of: "missing"))
            }
        }
        return style
    }

    /// A mapping of model names (quality levels, alarm levels) to the platform's codes.
    static func readCodes(_ top: MappingReader, key: String, allowed: [String]) -> [String: Constant] {
        var codes: [String: Constant] = [:]
        for (name, value) in top.entries(key) ?? [] {
            guard let text = name.scalar?.string, allowed.contains(text) else {
                var message = "\(name.kindName) is not a name of \(key)"
                if let text = name.scalar?.string, let suggestion = nearest(to: text, in: allowed) {
                    message += "; did you mean '\(suggestion)'?"
                }
                top.log.error(
                    message + " Allowed: \(allowed.joined(separator: ", "))",
                    at: top.document.position(of: name)
                )
                continue
            }
            guard let constant = TemplateReader.constant(value) else {
                top.log.error(
                    "the code of '\(text)' in \(key) must be a number, text or true/false",
                    at: top.document.position(of: value)
                )
                continue
            }
            codes[text] = constant
        }
        return codes
    }

    static func readEncryption(_ top: MappingReader) -> EncryptionSpec? {
        guard let reader = top.mapping("encryption", context: "encryption", allowed: encryptionKeys) else { return nil }
        let cipher = readChoice(reader, key: "cipher", BlockCipher.self)
        if !reader.has("cipher") {
            reader.log.error("encryption needs 'cipher' (sm4, aes-128, aes-192, aes-256)", at: reader.position)
        }
        let mode = readChoice(reader, key: "mode", CipherMode.self)
        if !reader.has("mode") { reader.log.error("encryption needs 'mode' (cbc or ecb)", at: reader.position) }
        let padding = readChoice(reader, key: "padding", CipherPadding.self) ?? .pkcs7
        let pad = readPad(reader)
        let keyForm = readKeyForm(reader, key: "key_form", pad: pad) ?? .hex
        let ivForm = readKeyForm(reader, key: "iv_form", pad: pad) ?? .hex
        let output = readChoice(reader, key: "output", TextEncoding.self) ?? .base64
        let keySecret = reader.id("key", required: false) ?? "key"
        var ivSecret: String? = reader.id("iv", required: false)
        if mode == .cbc, ivSecret == nil { ivSecret = "iv" }
        if mode == .ecb, reader.has("iv") {
            reader.log.error("ECB takes no IV: remove 'iv' or use mode cbc", at: reader.position(of: "iv"))
        }
        guard let cipher, let mode else { return nil }
        return EncryptionSpec(
            suite: CipherSuite(cipher: cipher, mode: mode, padding: padding),
            keySecret: keySecret,
            keyForm: keyForm,
            ivSecret: mode == .cbc ? ivSecret : nil,
            ivForm: ivForm,
            output: output
        )
    }

    static func readPad(_ reader: MappingReader) -> UInt8 {
        guard let node = reader.node("pad") else { return UInt8(ascii: " ") }
        if let number = YAMLNumber.int(node), (0...255).contains(number) { return UInt8(number) }
        if let text = node.scalar?.string, text.utf8.count == 1 { return text.utf8.first! }
        reader.log.error("'pad' is one character (\" \") or a byte value (0)", at: reader.position(of: "pad"))
        return UInt8(ascii: " ")
    }

    static func readKeyForm(_ reader: MappingReader, key: String, pad: UInt8) -> KeyForm? {
        guard let text = reader.string(key) else { return nil }
        switch text {
        case "hex": return .hex
        case "base64": return .base64
        case "text": return .text
        case "padded_text": return .paddedText(pad: pad)
        default:
            reader.log.error(
                "'\(key)' in \(reader.context) is hex, base64, text or padded_text, not \(MappingReader.quoted(text))",
                at: reader.position(of: key)
            )
            return nil
        }
    }

    static func readSigning(_ top: MappingReader) -> SigningSpec? {
        guard let reader = top.mapping("signing", context: "signing", allowed: signingKeys) else { return nil }
        let algorithm = readChoice(reader, key: "algorithm", SigningSpec.Algorithm.self)
        if !reader.has("algorithm") {
            reader.log.error("signing needs 'algorithm' (hmac-sha256 or hmac-sm3)", at: reader.position)
        }
        let header = reader.string("header", required: true)
        if let header, !isHeaderName(header) {
            reader.log.error(
                "'header' in signing must be a header name such as X-Signature",
                at: reader.position(of: "header")
            )
        }
        let keyForm = readKeyForm(reader, key: "key_form", pad: 0) ?? .text
        let output = readChoice(reader, key: "output", TextEncoding.self) ?? .hex
        guard let algorithm, let header else { return nil }
        return SigningSpec(
            algorithm: algorithm,
            keySecret: reader.id("key", required: false) ?? "sign_key",
            keyForm: keyForm,
            output: output,
            header: header
        )
    }

    static func readReply(_ top: MappingReader) -> ReplyRule? {
        guard let reader = top.mapping("reply", context: "reply", allowed: replyKeys) else { return nil }
        let field = reader.string("field", required: true)
        func values(_ key: String) -> Set<String> {
            guard let node = reader.node(key) else { return [] }
            let items: [Node]
            if case .sequence(let sequence) = node { items = Array(sequence) } else { items = [node] }
            var out = Set<String>()
            for item in items {
                guard let text = item.scalar?.string else {
                    reader.log.error(
                        "'\(key)' in reply lists values such as 0, true or \"OK\"",
                        at: reader.document.position(of: item)
                    )
                    continue
                }
                out.insert(text)
            }
            return out
        }
        let accepted = values("accepted")
        if accepted.isEmpty {
            reader.log.error("reply needs 'accepted': the values that mean the message was taken", at: reader.position)
        }
        let permanent = values("permanent")
        if let both = accepted.intersection(permanent).first {
            reader.log.error("'\(both)' is both accepted and permanent in reply", at: reader.position(of: "permanent"))
        }
        let otherwise = readChoice(reader, key: "otherwise", ReplyVerdict.Kind.self) ?? .temporary
        if otherwise == .accepted {
            reader.log.error(
                "'otherwise' in reply is temporary or permanent: an unknown answer is never an acknowledgement",
                at: reader.position(of: "otherwise")
            )
        }
        guard let field else { return nil }
        let path = field.split(separator: ".").map(String.init)
        return ReplyRule(field: path, accepted: accepted, permanent: permanent, otherwise: otherwise)
    }
}
