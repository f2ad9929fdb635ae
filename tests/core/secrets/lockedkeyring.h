#pragma once
// A locked keyring whose unlock prompt is never answered, for tests under tests/with-keyring.sh:
// the real gnome-keyring and the real QtKeychain, only the prompt is held the way a user holds it who
// never answers the unlock dialog. The test process owns the prompter's bus name (so the real
// prompter, which cannot open a display here, is not started) and never replies to it.
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDBusVirtualObject>
#include <QList>
#include <QVariant>

namespace wbtest {

class SilentPrompter final : public QDBusVirtualObject {
public:
    QString introspect(const QString &) const override { return {}; }
    bool handleMessage(const QDBusMessage &message, const QDBusConnection &) override
    {
        message.setDelayedReply(true);   // and never reply
        m_held.append(message);
        return true;
    }
    int promptsHeld() const { return int(m_held.size()); }

private:
    QList<QDBusMessage> m_held;
};

/// Claims the system prompter's name and path on the session bus.
inline bool installSilentPrompter(SilentPrompter *prompter)
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    return bus.registerVirtualObject(QStringLiteral("/org/gnome/keyring/Prompter"), prompter, QDBusConnection::SubPath)
           && bus.registerService(QStringLiteral("org.gnome.keyring.SystemPrompter"));
}

/// Locks the keyring tests/with-keyring.sh created (org.freedesktop.Secret.Service.Lock).
inline bool lockLoginKeyring()
{
    QDBusMessage call = QDBusMessage::createMethodCall(QStringLiteral("org.freedesktop.secrets"), QStringLiteral("/org/freedesktop/secrets"),
                                                       QStringLiteral("org.freedesktop.Secret.Service"), QStringLiteral("Lock"));
    call << QVariant::fromValue(QList<QDBusObjectPath>{QDBusObjectPath(QStringLiteral("/org/freedesktop/secrets/collection/login"))});
    const QDBusMessage reply = QDBusConnection::sessionBus().call(call, QDBus::Block, 10'000);
    return reply.type() == QDBusMessage::ReplyMessage;
}

} // namespace wbtest
