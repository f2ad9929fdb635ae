// `discernus keys` (app/cli/keyscommand.h) against a real Secret Service: CTest starts it through
// tests/with-keyring.sh (private D-Bus session + throwaway gnome-keyring). Outside that sandbox the
// tests skip instead of touching the user's own keyring.
#include "app/cli/keyscommand.h"
#include "core/secrets/keystore.h"

#include <QCoreApplication>
#include <QProcess>
#include <QTest>
#include <QTextStream>

using namespace wb;

namespace {

struct Cli {
    int code = -1;
    QString out, err;
};

Cli runCli(const QStringList &args, KeyStore *store, const QString &stdinText = {})
{
    Cli r;
    QString input = stdinText;
    QTextStream out(&r.out), err(&r.err), in(&input);
    r.code = runKeysCommand(args, out, err, &in, store);
    out.flush();
    err.flush();
    return r;
}

const QString kService = QStringLiteral("discernus-workbench-test");

} // namespace

class TestCliKeys final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (qEnvironmentVariable("WB_THROWAWAY_KEYRING") != u"1")
            QSKIP("run through tests/with-keyring.sh (ctest does) so the user's keyring is never touched");
        // with-keyring.sh starts every test on an empty keyring.
        QCOMPARE(KeyStore(kService).list().value_or(QStringList{QStringLiteral("x")}), QStringList());
    }

    void cli()
    {
        KeyStore store(kService);
        const QString secret = QStringLiteral("sk-" "proj-clitestclitestclitest4242");
        Cli r = runCli({QStringLiteral("set"), QStringLiteral("cli-key"), QStringLiteral("--value"), secret}, &store);
        QCOMPARE(r.code, 0);
        QVERIFY(!r.out.contains(secret));
        r = runCli({QStringLiteral("get"), QStringLiteral("cli-key")}, &store);
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out, QStringLiteral("sk-proj-") + QChar(0x2026) + QStringLiteral("4242\n"));
        r = runCli({QStringLiteral("keys"), QStringLiteral("get"), QStringLiteral("cli-key"), QStringLiteral("--reveal")}, &store);
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out, secret + QLatin1Char('\n'));

        // From stdin, trailing newline dropped.
        r = runCli({QStringLiteral("set"), QStringLiteral("cli-stdin")}, &store, QStringLiteral("piped-secret-value-99\n"));
        QCOMPARE(r.code, 0);
        QCOMPARE(store.get(QStringLiteral("cli-stdin"))->value_or(QString()), QStringLiteral("piped-secret-value-99"));
        r = runCli({QStringLiteral("list")}, &store);
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out, QStringLiteral("cli-key\ncli-stdin\n"));

        r = runCli({QStringLiteral("delete"), QStringLiteral("cli-key")}, &store);
        QCOMPARE(r.code, 0);
        r = runCli({QStringLiteral("get"), QStringLiteral("cli-key")}, &store);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("no key named \"cli-key\"")), qPrintable(r.err));
        r = runCli({QStringLiteral("delete"), QStringLiteral("cli-key")}, &store);
        QCOMPARE(r.code, 1);
        QVERIFY(store.remove(QStringLiteral("cli-stdin")));
    }

    void cliUsage_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("stdinText");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("errFragment");
        QTest::newRow("nothing") << QStringList() << QString() << 2 << QStringLiteral("usage: discernus keys");
        QTest::newRow("unknown verb") << QStringList{QStringLiteral("show")} << QString() << 2 << QStringLiteral("unknown command \"show\"");
        QTest::newRow("set without name") << QStringList{QStringLiteral("set")} << QString() << 2 << QStringLiteral("missing NAME");
        QTest::newRow("get without name") << QStringList{QStringLiteral("get")} << QString() << 2 << QStringLiteral("missing NAME");
        QTest::newRow("delete without name") << QStringList{QStringLiteral("delete")} << QString() << 2 << QStringLiteral("missing NAME");
        QTest::newRow("invalid name") << QStringList{QStringLiteral("get"), QStringLiteral(".discernus-index")} << QString() << 2 << QStringLiteral("invalid NAME");
        QTest::newRow("empty key") << QStringList{QStringLiteral("set"), QStringLiteral("x")} << QStringLiteral("\n") << 2 << QStringLiteral("the key is empty");
        QTest::newRow("stray option") << QStringList{QStringLiteral("list"), QStringLiteral("--reveal")} << QString() << 2 << QStringLiteral("unexpected argument");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("get"), QStringLiteral("a"), QStringLiteral("--bogus")} << QString() << 2 << QStringLiteral("unknown option --bogus");
        QTest::newRow("--value without set") << QStringList{QStringLiteral("get"), QStringLiteral("a"), QStringLiteral("--value"), QStringLiteral("v")} << QString() << 2 << QStringLiteral("unexpected argument \"--value\"");
        QTest::newRow("--value last") << QStringList{QStringLiteral("set"), QStringLiteral("a"), QStringLiteral("--value")} << QString() << 2 << QStringLiteral("option --value needs a value");
        QTest::newRow("two names") << QStringList{QStringLiteral("get"), QStringLiteral("a"), QStringLiteral("b")} << QString() << 2 << QStringLiteral("unexpected argument \"b\"");
    }
    void cliUsage()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, stdinText);
        QFETCH(int, code);
        QFETCH(QString, errFragment);
        KeyStore store(kService);
        const Cli r = runCli(args, &store, stdinText);
        QCOMPARE(r.code, code);
        QVERIFY2(r.err.contains(errFragment), qPrintable(r.err));
    }

    // Without a Secret Service the CLI says what to do and exits 1. QtKeychain's D-Bus
    // connection is per process, so this runs the real binary with no session bus.
    void cliWithoutSecretService()
    {
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent/wb-no-bus"));
        env.remove(QStringLiteral("DISPLAY"));
        child.setProcessEnvironment(env);
        child.start(QStringLiteral(DISCERNUS_BIN), {QStringLiteral("keys"), QStringLiteral("get"), QStringLiteral("anything")});
        QVERIFY(child.waitForFinished(60000));
        const QString err = QString::fromUtf8(child.readAllStandardError());
        QCOMPARE(child.exitCode(), 1);
        QVERIFY2(err.contains(QStringLiteral("no Secret Service available: start gnome-keyring")), qPrintable(err));
    }

    void cleanupTestCase()
    {
        if (qEnvironmentVariable("WB_THROWAWAY_KEYRING") != u"1")
            return;
        KeyStore store(kService);
        QCOMPARE(store.list().value_or(QStringList{QStringLiteral("x")}), QStringList());
    }
};

QTEST_GUILESS_MAIN(TestCliKeys)
#include "tst_cli_keys.moc"
