import Foundation
import Hummingbird

extension StatusLanguage {
    /// `?lang=zh|en`, else the Chinese or English entry of Accept-Language with the highest weight
    /// (`q=`; on a tie the first listed); English by default.
    init(request: Request) {
        if let lang = request.uri.queryParameters.get("lang") {
            self = lang.lowercased().hasPrefix("zh") ? .chinese : .english
            return
        }
        self = Self(acceptLanguage: request.headers[.acceptLanguage] ?? "")
    }

    /// The language an `Accept-Language` header prefers.
    init(acceptLanguage header: String) {
        var best: (language: StatusLanguage, weight: Double)?
        for entry in header.lowercased().split(separator: ",") {
            let parts = entry.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first else { continue }
            let language: StatusLanguage
            if tag.hasPrefix("zh") {
                language = .chinese
            } else if tag.hasPrefix("en") {
                language = .english
            } else {
                continue
            }
            let weight =
                parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if weight > 0, weight > (best?.weight ?? 0) { best = (language, weight) }
        }
        self = best?.language ?? .english
    }
}
