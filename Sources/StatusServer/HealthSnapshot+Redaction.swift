public import GatewayCore

extension HealthSnapshot {
    /// The snapshot as it may be shown: every URL and every message without credentials
    /// (`user:password@` becomes `***@`), whatever produced it.
    public func redactingCredentials() -> HealthSnapshot {
        var copy = self
        copy.problems = problems.map(Redaction.userinfo(in:))
        copy.warnings = warnings.map(Redaction.userinfo(in:))
        copy.links = links.map { link in
            var link = link
            link.endpoint = Redaction.userinfo(in: link.endpoint)
            link.reason = link.reason.map(Redaction.userinfo(in:))
            return link
        }
        copy.uplinks = uplinks.map { uplink in
            var uplink = uplink
            uplink.url = Redaction.userinfo(in: uplink.url)
            uplink.lastError = uplink.lastError.map(Redaction.userinfo(in:))
            return uplink
        }
        copy.recentEvents = recentEvents?.map { event in
            var event = event
            event.reason = Redaction.userinfo(in: event.reason)
            return event
        }
        copy.verdict?.problems =
            verdict?.problems.map { problem in
                var problem = problem
                problem.text = problem.text.map(Redaction.userinfo(in:))
                return problem
            } ?? []
        return copy
    }
}
