public import Foundation
public import GatewayCore
public import Hummingbird
public import Logging
public import Prometheus

/// The routes of the status endpoint, usable on their own (tests drive them without a socket).
public enum StatusRoutes {
    /// The site's time zone when none is configured (`status.time_zone`): China Standard Time.
    public static let defaultTimeZone = TimeZone(identifier: "Asia/Shanghai") ?? .current

    public static func router(
        reporter: any HealthReporting,
        registry: PrometheusCollectorRegistry,
        token: String?,
        timeZone: @autoclosure @escaping @Sendable () -> TimeZone = StatusRoutes.defaultTimeZone,
        logger: Logger
    ) -> Router<StatusRequestContext> {
        let timeZone = LazyTimeZone(timeZone)
        let router = Router(context: StatusRequestContext.self)
        let gauges = VerdictGauges(registry: registry)
        router.add(middleware: TokenMiddleware(token: token, refusals: RefusalLog(logger: logger)))
        router.get("/healthz") { _, _ in Response.text("ok\n") }
        router.get("/readyz") { _, _ -> Response in
            // A probe asked every few seconds: the links and the log, not every point's reading.
            let snapshot = await reporter.snapshot(points: .none)
            let linkUp = snapshot.links.contains { $0.state == "up" }
            var reasons: [String] = []
            if !linkUp { reasons.append("no link is up") }
            if snapshot.sinkFailing { reasons.append("the log is refusing readings (retrying)") }
            return reasons.isEmpty
                ? Response.text("ready\n")
                : Response.text("not ready: \(reasons.joined(separator: "; "))\n", status: .serviceUnavailable)
        }
        router.get("/status") { _, _ -> Response in
            try Response.json(await reporter.snapshot().redactingCredentials().judged())
        }
        router.get("/metrics") { _, _ -> Response in
            // One snapshot a scrape, with only the points the verdict reads (those whose quality gives
            // a reason): at 10,000 points a snapshot of every point is megabytes of text, freed at once.
            let snapshot = await reporter.snapshot(points: .withReason)
            await reporter.refreshMetrics(from: snapshot)
            gauges.update(SiteVerdict(snapshot: snapshot))
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
            )
        }
        router.get("/") { request, _ -> Response in
            let html = StatusPage(
                snapshot: await reporter.snapshot().redactingCredentials().judged(),
                language: StatusLanguage(request: request),
                now: .now(),
                timeZone: timeZone.value
            ).html
            return Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: html))
            )
        }
        router.post("/devices/:id/maintenance") { request, context -> Response in
            guard token != nil else {
                return Response.text(
                    "switching maintenance needs a status token: set status.token_env and send it as Authorization: Bearer\n",
                    status: .forbidden
                )
            }
            let device = context.parameters.get("id") ?? ""
            let asked = await MaintenanceRequest.parse(request)
            guard let on = asked.on else {
                return Response.text(
                    "add ?on=true or ?on=false (or on in a form or JSON body)\n",
                    status: .badRequest
                )
            }
            let switched = await reporter.switchMaintenance(
                on,
                device: device,
                operatorName: asked.operatorName,
                client: context.client
            )
            guard switched else {
                return Response.text("no device '\(device)'\n", status: .notFound)
            }
            logger.notice(
                "maintenance switched",
                metadata: [
                    "device": "\(device)", "on": "\(on)", "operator": "\(asked.operatorName ?? "unknown")",
                    "client": "\(context.client)", "at": "\(Timestamp.now())",
                ]
            )
            return Response.text("device \(device): maintenance \(on ? "on" : "off")\n")
        }
        router.post("/uplinks/:id/catalogue") { _, context -> Response in
            guard token != nil else {
                return Response.text(
                    "requesting a catalogue needs a status token: set status.token_env and send it as Authorization: Bearer\n",
                    status: .forbidden
                )
            }
            let uplink = context.parameters.get("id") ?? ""
            switch await reporter.requestCatalogue(uplink: uplink) {
            case .requested:
                logger.notice("point catalogue requested", metadata: ["uplink": "\(uplink)"])
                return Response.text("uplink \(uplink): the point catalogue is sent before its next batch\n")
            case .noCatalogue:
                return Response.text(
                    "uplink \(uplink) has no platform profile with a catalogue message\n",
                    status: .conflict
                )
            case .noSuchUplink:
                return Response.text("no uplink '\(uplink)'\n", status: .notFound)
            }
        }
        router.post("/reload") { request, _ -> Response in
            guard token != nil else {
                return Response.text(
                    "reloading needs a status token: set status.token_env and send it as Authorization: Bearer\n",
                    status: .forbidden
                )
            }
            let by = request.uri.queryParameters.get("by").map { String($0) } ?? "unknown"
            guard let outcome = await reporter.reloadConfiguration(trigger: "POST /reload (by \(by))") else {
                return Response.text("this endpoint cannot reload a configuration\n", status: .notImplemented)
            }
            var response = try Response.json(outcome)
            if !outcome.applied { response.status = .unprocessableContent }
            return response
        }
        return router
    }
}

/// Asks for the token on every route but `/healthz`, when one is configured: as
/// `Authorization: Bearer`, as `?token=`, or as the `chemgate_token` cookie.
///
/// The status page opened with `?token=` (a bookmark, a link from a monitoring system) is answered
/// with a redirect to the same page without the token, setting the cookie (`HttpOnly`,
/// `SameSite=Strict`), so the token never sits in the page, its links, the browser's history or a
/// `Referer`, and every link of the page works.
struct TokenMiddleware: RouterMiddleware {
    static let cookieName = "chemgate_token"

    let token: String?
    let refusals: RefusalLog

    func handle(
        _ request: Request,
        context: StatusRequestContext,
        next: (Request, StatusRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let token, !token.isEmpty, request.uri.path != "/healthz" else { return try await next(request, context) }
        let header = request.headers[.authorization]
        let query = request.uri.queryParameters.get("token").map { String($0) }
        let presented =
            header.flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? query
            ?? Self.cookie(in: request)
        guard let presented, constantTimeEquals(presented, token) else {
            refusals.refused(client: context.client, path: request.uri.path, presented: presented != nil)
            return Response(
                status: .unauthorized,
                headers: [.wwwAuthenticate: "Bearer realm=\"chemgate\""],
                body: .init(byteBuffer: ByteBuffer(string: "a valid token is required\n"))
            )
        }
        if query != nil, request.method == .get, request.uri.path == "/" {
            return Self.exchangeForCookie(request, token: token)
        }
        return try await next(request, context)
    }

    /// 303 to the page without `token=`, with the token in an `HttpOnly`, `SameSite=Strict` cookie.
    static func exchangeForCookie(_ request: Request, token: String) -> Response {
        let kept = (request.uri.query ?? "").split(separator: "&").filter { !$0.hasPrefix("token=") }
        let location = request.uri.path + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
        let value = token.addingPercentEncoding(withAllowedCharacters: cookieValueCharacters) ?? token
        var headers = HTTPFields()
        headers[.location] = location
        headers[.setCookie] = "\(cookieName)=\(value); Path=/; HttpOnly; SameSite=Strict"
        headers[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: headers)
    }

    /// The token from the request's `chemgate_token` cookie, if any.
    static func cookie(in request: Request) -> String? {
        for field in request.headers[values: .cookie] {
            for pair in field.split(separator: ";") {
                let trimmed = pair.trimmingCharacters(in: .whitespaces)
                guard trimmed.hasPrefix("\(cookieName)=") else { continue }
                let raw = String(trimmed.dropFirst(cookieName.count + 1))
                return raw.removingPercentEncoding ?? raw
            }
        }
        return nil
    }

    /// What a cookie value may hold unescaped (RFC 3986 unreserved, all valid in RFC 6265).
    static let cookieValueCharacters = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
}

/// Compares without leaking, through timing, how much of the token was right.
func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let left = Array(a.utf8)
    let right = Array(b.utf8)
    var difference = UInt8(left.count == right.count ? 0 : 1)
    for index in 0..<max(left.count, right.count) {
        difference |= (index < left.count ? left[index] : 0) ^ (index < right.count ? right[index] : 0)
    }
    return difference == 0
}

extension Response {
    static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value)))
        )
    }
}
