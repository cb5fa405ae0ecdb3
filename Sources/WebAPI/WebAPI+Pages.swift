import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOPosix

/// Serves the pages folder (``WebAPIOptions/pagesDirectory``, config `http.pages_dir`): `/kiosk/`, `/desk/`,
/// `/police/`, `/screen/` (each an `index.html`) and `/common/…`, with Hummingbird's `FileMiddleware`.
///
/// - `/` redirects to `/desk/`; a folder without its slash (`/kiosk`) redirects to the folder (`/kiosk/`).
/// - A folder is served only through its `index.html`: there is no directory listing.
/// - A path holding `..` (also percent-encoded) is refused with 400; every path is taken inside the folder
///   (`//etc/passwd` is `<pages>/etc/passwd`).
/// - `/api/…` and `/metrics` never reach the files: an unknown API route stays a JSON 404.
/// - Types carry their charset: `text/html; charset=utf-8`, `text/javascript; charset=utf-8`,
///   `text/css; charset=utf-8`, `image/svg+xml`. Pages are `Cache-Control: no-cache` (revalidated, so an
///   update of the package shows at the next load).
/// - A missing folder serves nothing (404) and the API keeps working; the daemon logs a warning.
struct PagesMiddleware: RouterMiddleware {
    typealias Context = APIContext

    /// Where `/` goes.
    static let home = "/desk/"

    /// The media types the pages use, with the charset of text.
    static let mediaTypes: [String: MediaType] = [
        "html": MediaType(type: .text, subType: "html", parameter: ("charset", "utf-8")),
        "js": MediaType(type: .text, subType: "javascript", parameter: ("charset", "utf-8")),
        "mjs": MediaType(type: .text, subType: "javascript", parameter: ("charset", "utf-8")),
        "css": MediaType(type: .text, subType: "css", parameter: ("charset", "utf-8")),
        "json": MediaType(type: .application, subType: "json", parameter: ("charset", "utf-8")),
        "txt": MediaType(type: .text, subType: "plain", parameter: ("charset", "utf-8")),
        "svg": MediaType(type: .image, subType: "svg+xml"),
    ]

    let files: FileMiddleware<APIContext, LocalFileSystem>

    /// Pages from `directory`.
    init(directory: URL, logger: Logger) {
        var quiet = logger
        quiet.logLevel = .warning  // FileMiddleware logs "Serving files from …" at info on every start
        files = FileMiddleware<APIContext, LocalFileSystem>(
            directory.path,
            cacheControl: CacheControl([
                (MediaType(type: .text), [.noCache]), (MediaType(type: .image), [.noCache]),
                (MediaType(type: .application), [.noCache]),
            ]),
            searchForIndexHtml: true, logger: quiet
        ).withAdditionalMediaTypes(forFileExtensions: Self.mediaTypes)
    }

    func handle(_ request: Request, context: APIContext,
                next: (Request, APIContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/api" || path.hasPrefix("/api/") || path == "/metrics" {
            return try await next(request, context)
        }
        if path == "/", request.method == .get || request.method == .head {
            return .redirect(to: Self.home, type: .found)
        }
        return try await files.handle(request, context: context, next: next)
    }
}

extension WebAPI {
    /// The pages of ``WebAPIOptions/pagesDirectory``, when one is set.
    static func addPages(to router: Router<APIContext>, _ services: WebAPIServices) {
        guard let directory = services.options.pagesDirectory else { return }
        router.add(middleware: PagesMiddleware(directory: directory, logger: Logger(label: "renfang.pages")))
    }

    /// Whether `directory` holds pages (a folder with at least one of the four pages); the daemon warns when not.
    public static func pagesPresent(in directory: URL) -> Bool {
        ["kiosk", "desk", "police", "screen"].contains {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent("\($0)/index.html").path)
        }
    }
}
