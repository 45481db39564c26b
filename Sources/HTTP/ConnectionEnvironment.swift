/// What a `ConnectionMachine` asks of the server around it, as plain functions, so that a
/// test can give it a router of its own, a fixed date and channels it watches.
package struct ConnectionEnvironment {
    package var configuration: HTTPServer.Configuration
    /// The answer to a request (the router), or the error to answer with.
    package var respond: (HTTPRequest) throws -> HTTPResponse
    /// The response that says `HTTPError`: the one place an error becomes bytes.
    package var errorResponse: (HTTPError) -> HTTPResponse
    /// The `Date` header's value now.
    package var date: () -> [UInt8]
    /// The gzip form of a body if it is smaller, from a cache under the key when one is given.
    package var gzip: (_ body: [UInt8], _ cacheKey: String?) -> [UInt8]?
    /// A channel for a streaming response, holding at most `limit` unpulled bytes, whose
    /// producer's flushes reach the machine as `producerReady`.
    package var makeChannel: (_ limit: Int) -> StreamChannel

    package init(configuration: HTTPServer.Configuration, respond: @escaping (HTTPRequest) throws -> HTTPResponse,
                 errorResponse: @escaping (HTTPError) -> HTTPResponse = HTTPResponse.plain, date: @escaping () -> [UInt8],
                 gzip: @escaping (_ body: [UInt8], _ cacheKey: String?) -> [UInt8]?, makeChannel: @escaping (_ limit: Int) -> StreamChannel) {
        self.configuration = configuration
        self.respond = respond
        self.errorResponse = errorResponse
        self.date = date
        self.gzip = gzip
        self.makeChannel = makeChannel
    }
}
