#pragma once
// A small HTTP/1.1 request parser and response writer for the simulator: Content-Length bodies,
// keep-alive, one request at a time per connection (no chunked request bodies).
#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPair>

namespace wb::sim {

struct HttpRequest {
    QByteArray method;
    QByteArray path;    ///< target without the query, not percent-decoded
    QByteArray query;   ///< after '?', may be empty
    QByteArray version; ///< "HTTP/1.1"
    QHash<QByteArray, QByteArray> headers;   ///< names lower-cased, values trimmed
    QByteArray body;
    bool keepAlive = true;

    QByteArray header(const char *lowerName) const { return headers.value(QByteArray(lowerName)); }
    /// A query parameter's value, percent-decoded.
    QByteArray queryItem(const QByteArray &name) const;
};

enum class ParseResult { Incomplete, Complete, Error };

struct ParseState {
    bool expectContinue = false;   ///< headers done, body still missing, client waits for "100 Continue"
    int errorStatus = 400;
    QByteArray errorMessage;
};

/// Takes one complete request off the front of `buffer` if there is one.
ParseResult parseHttpRequest(QByteArray &buffer, HttpRequest &out, ParseState &state);

using ResponseHeaders = QList<QPair<QByteArray, QByteArray>>;
/// Status line, headers (Content-Type: application/json unless given, Content-Length, Connection), body.
QByteArray buildHttpResponse(int status, const ResponseHeaders &headers, const QByteArray &body, bool keepAlive);

} // namespace wb::sim
