#pragma once
// The scripted HTTP servers of the client tests (tst_httpclient, tst_httpsclient) read requests
// the same way: head up to the blank line, then Content-Length bytes of body.
#include <QByteArray>

#include <optional>

namespace wb::test {

/// Takes the first complete request (head and body) off `buf`; nullopt while it is incomplete.
inline std::optional<QByteArray> takeRequest(QByteArray &buf)
{
    const qsizetype end = buf.indexOf("\r\n\r\n");
    if (end < 0)
        return std::nullopt;
    const QByteArray head = buf.left(end).toLower();
    const qsizetype cl = head.indexOf("content-length:");
    const int len = cl < 0 ? 0 : head.mid(cl + 15, head.indexOf("\r\n", cl) - cl - 15).trimmed().toInt();
    if (buf.size() < end + 4 + len)
        return std::nullopt;
    QByteArray request = buf.left(end + 4 + len);
    buf.remove(0, end + 4 + len);
    return request;
}

/// What the scripted servers answer when their script has run out.
inline QByteArray noScriptedReply() { return QByteArrayLiteral("HTTP/1.1 500 X\r\nContent-Length: 0\r\n\r\n"); }

} // namespace wb::test
