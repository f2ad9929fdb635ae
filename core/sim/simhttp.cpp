#include "core/sim/simhttp.h"


namespace wb::sim {

namespace {
constexpr qsizetype kMaxHeaderBytes = 64 * 1024;
// Above the largest batch input a provider takes (Mistral, 512 MB), so batch size limits answer as the provider does.
constexpr qsizetype kMaxBodyBytes = 600LL * 1024 * 1024;

const char *reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 529: return "Site Overloaded";
    default: return "Unknown";
    }
}
} // namespace

QByteArray HttpRequest::queryItem(const QByteArray &name) const
{
    for (const QByteArray &pair : query.split('&')) {
        const qsizetype eq = pair.indexOf('=');
        const QByteArray k = eq < 0 ? pair : pair.left(eq);
        if (QByteArray::fromPercentEncoding(k) == name)
            return eq < 0 ? QByteArray() : QByteArray::fromPercentEncoding(pair.mid(eq + 1));
    }
    return {};
}

ParseResult parseHttpRequest(QByteArray &buffer, HttpRequest &out, ParseState &state)
{
    state.expectContinue = false;
    // Tolerate stray CRLFs between requests (RFC 9112 §2.2).
    qsizetype skip = 0;
    while (skip + 1 < buffer.size() && buffer[skip] == '\r' && buffer[skip + 1] == '\n')
        skip += 2;
    if (skip)
        buffer.remove(0, skip);

    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
        if (buffer.size() > kMaxHeaderBytes) {
            state.errorStatus = 431;
            state.errorMessage = "request headers too large";
            return ParseResult::Error;
        }
        return ParseResult::Incomplete;
    }

    HttpRequest req;
    const QByteArray head = buffer.left(headerEnd);
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine[2].startsWith("HTTP/1.")) {
        state.errorMessage = "malformed request line";
        return ParseResult::Error;
    }
    req.method = requestLine[0];
    const QByteArray &target = requestLine[1];
    const qsizetype q = target.indexOf('?');
    req.path = q < 0 ? target : target.left(q);
    req.query = q < 0 ? QByteArray() : target.mid(q + 1);
    req.version = requestLine[2];
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines[i];
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            state.errorMessage = "malformed header line";
            return ParseResult::Error;
        }
        req.headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    }
    if (req.headers.contains("transfer-encoding")) {
        state.errorStatus = 501;
        state.errorMessage = "chunked request bodies are not supported by the simulator";
        return ParseResult::Error;
    }
    qint64 length = 0;
    if (req.headers.contains("content-length")) {
        bool ok = false;
        length = req.header("content-length").toLongLong(&ok);
        if (!ok || length < 0) {
            state.errorMessage = "bad Content-Length";
            return ParseResult::Error;
        }
        if (length > kMaxBodyBytes) {
            state.errorStatus = 413;
            state.errorMessage = "request body too large";
            return ParseResult::Error;
        }
    }
    const qsizetype total = headerEnd + 4 + length;
    if (buffer.size() < total) {
        state.expectContinue = req.header("expect").toLower() == "100-continue";
        return ParseResult::Incomplete;
    }
    req.body = buffer.mid(headerEnd + 4, length);
    buffer.remove(0, total);

    const QByteArray connection = req.header("connection").toLower();
    if (req.version == "HTTP/1.0")
        req.keepAlive = connection.contains("keep-alive");
    else
        req.keepAlive = !connection.contains("close");
    out = std::move(req);
    return ParseResult::Complete;
}

QByteArray buildHttpResponse(int status, const ResponseHeaders &headers, const QByteArray &body, bool keepAlive)
{
    QByteArray r;
    r.reserve(body.size() + 512);
    r += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason(status) + "\r\n";
    bool haveType = false;
    for (const auto &h : headers) {
        if (h.first.compare("content-type", Qt::CaseInsensitive) == 0)
            haveType = true;
        r += h.first + ": " + h.second + "\r\n";
    }
    if (!haveType)
        r += "content-type: application/json\r\n";
    r += "content-length: " + QByteArray::number(body.size()) + "\r\n";
    r += keepAlive ? "connection: keep-alive\r\n" : "connection: close\r\n";
    r += "\r\n";
    r += body;
    return r;
}

} // namespace wb::sim
