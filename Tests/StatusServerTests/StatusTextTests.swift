import Foundation
import GatewayCore
import Testing

@testable import StatusServer

/// One translation table: no state, reason or sentence may lack a language.
@Suite("Status texts")
struct StatusTextTests {
    @Test func everyKeyHasBothLanguages() {
        for key in StatusText.requiredKeys + StatusText.labelKeys {
            let entry = StatusText.table[key]
            #expect(entry != nil, "\(key) is not in the table")
            #expect(entry?.en.isEmpty == false, "no English text for \(key)")
            #expect(entry?.zh.isEmpty == false, "no Chinese text for \(key)")
        }
    }

    @Test func chineseTextsHaveNoEnglishWords() {
        for key in StatusText.requiredKeys + StatusText.labelKeys {
            let chinese = StatusText.text(key, .chinese)
                .replacingOccurrences(of: "{subject}", with: "").replacingOccurrences(of: "{since}", with: "")
                .replacingOccurrences(of: "{count}", with: "")
            let words = EnglishWords.find(in: chinese, allowed: ["RS", "USB", "NTP"])
            #expect(words.isEmpty, "\(key): \(words)")
        }
    }

    @Test func acceptLanguageWeightsAreRespected() {
        #expect(StatusLanguage(acceptLanguage: "en;q=0.5, zh-CN;q=0.9") == .chinese)
        #expect(StatusLanguage(acceptLanguage: "zh-CN;q=0.3, en-GB") == .english)
        #expect(StatusLanguage(acceptLanguage: "fr, zh;q=0.1") == .chinese)
        #expect(StatusLanguage(acceptLanguage: "zh-TW,zh;q=0.9,en;q=0.8") == .chinese)
        #expect(StatusLanguage(acceptLanguage: "") == .english)
    }
}

/// Words of two or more Latin letters, but for the allowed ones.
enum EnglishWords {
    static func find(in text: String, allowed: Set<String> = []) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text + " " {
            if character.isASCII && character.isLetter {
                current.append(character)
            } else {
                if current.count >= 2 && !allowed.contains(current) { words.append(current) }
                current = ""
            }
        }
        return words
    }
}
