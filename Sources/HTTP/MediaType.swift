/// Content types of static files, by extension, and which types are worth compressing.
enum MediaType {
    private static let byExtension: [String: String] = [
        "html": "text/html; charset=utf-8", "htm": "text/html; charset=utf-8",
        "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
        "mjs": "text/javascript; charset=utf-8", "json": "application/json",
        "map": "application/json", "txt": "text/plain; charset=utf-8",
        "csv": "text/csv; charset=utf-8", "xml": "application/xml", "svg": "image/svg+xml",
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
        "webp": "image/webp", "ico": "image/x-icon", "wasm": "application/wasm",
        "woff": "font/woff", "woff2": "font/woff2", "pdf": "application/pdf",
        "bin": "application/octet-stream",
    ]

    static func forFile(named name: Substring) -> String {
        guard let dot = name.lastIndex(of: ".") else { return "application/octet-stream" }
        return byExtension[name[name.index(after: dot)...].lowercased()] ?? "application/octet-stream"
    }

    /// Text-like types compress well; images, fonts and archives are compressed already.
    static func isCompressible(_ contentType: String) -> Bool {
        let type = contentType.prefix { $0 != ";" }.trimmingOWS().lowercased()
        return type.hasPrefix("text/") || type == "application/json" || type == "application/xml"
            || type == "application/javascript" || type == "image/svg+xml" || type == "application/wasm"
            || type.hasSuffix("+json") || type.hasSuffix("+xml")
    }
}
