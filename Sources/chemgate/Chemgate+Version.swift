import CBuildInfo

extension Chemgate {
    /// `chemgate --version`: the release, the git commit and the build date, for support calls and
    /// upgrade records ("which build is on that box?").
    static var versionText: String {
        let commit = String(cString: chemgate_build_commit())
        let date = String(cString: chemgate_build_date())
        return "chemgate \(version) (commit \(commit), built \(date))"
    }
}
