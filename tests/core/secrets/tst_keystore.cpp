// Runs against a real Secret Service: CTest starts it through tests/with-keyring.sh
// (private D-Bus session + throwaway gnome-keyring). Outside that sandbox the tests
// skip instead of touching the user's own keyring.
#include "core/config/modellist.h"
#include "core/secrets/keyresolver.h"
#include "core/secrets/keystore.h"

#include <QCoreApplication>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <memory>

using namespace wb;

namespace {

const QString kService = QStringLiteral("discernus-workbench-test");

/// The keychain's answers for a model list, read asynchronously (what a run does before it starts).
KeychainAnswers readKeychain(const ModelList &list)
{
    KeyReadJob job(keychainNamesIn(list), kService);
    QSignalSpy done(&job, &KeyReadJob::finished);
    job.start();
    if (!done.wait(20'000))
        qWarning("keychain read did not finish");
    return job.results();
}

} // namespace

class TestKeyStore final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (qEnvironmentVariable("WB_THROWAWAY_KEYRING") != u"1")
            QSKIP("run through tests/with-keyring.sh (ctest does) so the user's keyring is never touched");
        // Start from an empty store whatever an earlier run left behind.
        KeyStore store(kService);
        const auto names = store.list();
        QVERIFY2(names, qPrintable(names ? QString() : names.error().message));
        for (const QString &n : *names)
            QVERIFY(store.remove(n));
    }

    void roundTrip()
    {
        KeyStore store(kService);
        QVERIFY(store.set(QStringLiteral("openai-main"), QStringLiteral("sk-" "proj-aaaaaaaaaaaaaaaa1111")));
        QVERIFY(store.set(QStringLiteral("anthropic-main"), QStringLiteral("sk-" "ant-bbbbbbbbbbbbbbbb2222")));
        auto got = store.get(QStringLiteral("openai-main"));
        QVERIFY(got);
        QCOMPARE(got->value_or(QString()), QStringLiteral("sk-" "proj-aaaaaaaaaaaaaaaa1111"));
        QCOMPARE(store.list().value_or(QStringList()),
                 (QStringList{QStringLiteral("anthropic-main"), QStringLiteral("openai-main")}));

        // Overwrite, then a second KeyStore object (another process in real life) sees it.
        QVERIFY(store.set(QStringLiteral("openai-main"), QStringLiteral("sk-" "proj-cccccccccccccccc3333")));
        KeyStore other(kService);
        QCOMPARE(other.get(QStringLiteral("openai-main"))->value_or(QString()), QStringLiteral("sk-" "proj-cccccccccccccccc3333"));
        QCOMPARE(other.list().value_or(QStringList()).size(), 2);

        QVERIFY(store.remove(QStringLiteral("openai-main")));
        got = store.get(QStringLiteral("openai-main"));
        QVERIFY(got);
        QVERIFY(!got->has_value());
        QCOMPARE(store.lastStatus(), KeyStore::Status::NotFound);
        QCOMPARE(store.list().value_or(QStringList()), QStringList{QStringLiteral("anthropic-main")});

        const auto again = store.remove(QStringLiteral("openai-main"));
        QVERIFY(!again);
        QCOMPARE(store.lastStatus(), KeyStore::Status::NotFound);
        QVERIFY(store.remove(QStringLiteral("anthropic-main")));
        QCOMPARE(store.list().value_or(QStringList{QStringLiteral("x")}), QStringList());
    }

    void servicesAreSeparate()
    {
        KeyStore a(kService), b(kService + QStringLiteral("-other"));
        QVERIFY(a.set(QStringLiteral("shared-name"), QStringLiteral("value-a")));
        const auto fromB = b.get(QStringLiteral("shared-name"));
        QVERIFY(fromB);
        QVERIFY(!fromB->has_value());
        QVERIFY(b.list().value_or(QStringList{QStringLiteral("x")}).isEmpty());
        QVERIFY(a.remove(QStringLiteral("shared-name")));
    }

    void asyncContract()
    {
        KeyStore store(kService);
        QSignalSpy written(&store, &KeyStore::writeFinished);
        QSignalSpy read(&store, &KeyStore::readFinished);
        QSignalSpy removed(&store, &KeyStore::removeFinished);
        // Queued one after another; each ends with exactly one signal, never inside the call.
        const quint64 w = store.writeKey(QStringLiteral("async-key"), QStringLiteral("async-value-0000"));
        const quint64 r = store.readKey(QStringLiteral("async-key"));
        const quint64 d = store.removeKey(QStringLiteral("async-key"));
        const quint64 bad = store.readKey(QStringLiteral("bad name"));
        QCOMPARE(written.count(), 0);
        QCOMPARE(read.count(), 0);
        QVERIFY(removed.wait(10000) || removed.count() == 1);
        QTRY_COMPARE_WITH_TIMEOUT(read.count(), 2, 10000);
        QCOMPARE(written.count(), 1);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(written.at(0).at(0).value<quint64>(), w);
        QCOMPARE(written.at(0).at(2).value<KeyStore::Status>(), KeyStore::Status::Ok);
        QCOMPARE(read.at(0).at(0).value<quint64>(), r);
        QCOMPARE(read.at(0).at(2).toString(), QStringLiteral("async-value-0000"));
        QCOMPARE(removed.at(0).at(0).value<quint64>(), d);
        QCOMPARE(read.at(1).at(0).value<quint64>(), bad);
        QCOMPARE(read.at(1).at(3).value<KeyStore::Status>(), KeyStore::Status::InvalidName);
    }

    // A run is set up on the engine thread: a KeyReadJob there gets its answers (QtKeychain's jobs
    // run on the main thread, whose event loop keeps turning).
    void readJobOnWorkerThread()
    {
        KeyStore store(kService);
        QVERIFY(store.set(QStringLiteral("thread-key"), QStringLiteral("thread-value-5555")));
        QThread worker;
        worker.start();
        auto *job = new KeyReadJob({QStringLiteral("thread-key")}, kService);
        job->moveToThread(&worker);
        QSignalSpy done(job, &KeyReadJob::finished);
        QMetaObject::invokeMethod(job, &KeyReadJob::start, Qt::QueuedConnection);
        QVERIFY(done.wait(30000));
        const KeychainRead answer = job->results().value(QStringLiteral("thread-key"));
        job->deleteLater();
        worker.quit();
        worker.wait();
        QCOMPARE(answer.status, KeyStore::Status::Ok);
        QCOMPARE(answer.value, QStringLiteral("thread-value-5555"));
        QVERIFY(store.remove(QStringLiteral("thread-key")));
    }

    void invalidNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("index entry") << KeyStore::indexEntry();
        QTest::newRow("space") << QStringLiteral("has space");
        QTest::newRow("slash") << QStringLiteral("a/b");
        QTest::newRow("empty") << QString();
    }
    void invalidNames()
    {
        QFETCH(QString, name);
        KeyStore store(kService);
        QVERIFY(!store.set(name, QStringLiteral("v")));
        QCOMPARE(store.lastStatus(), KeyStore::Status::InvalidName);
        QVERIFY(!store.get(name));
        QCOMPARE(store.lastStatus(), KeyStore::Status::InvalidName);
    }

    void resolve()
    {
        KeyStore store(kService);
        const QString envSecret = QStringLiteral("env-secret-value-123456");
        const QString kcSecret = QStringLiteral("kc-secret-value-7890abcd");
        qputenv("WB_TEST_OPENAI_KEY", envSecret.toUtf8());
        qunsetenv("WB_TEST_UNSET_KEY");
        QVERIFY(store.set(QStringLiteral("resolver-key"), kcSecret));

        const QByteArray yaml =
            "model_list:\n"                                                                                  // 1
            "  - model_name: a\n"                                                                            // 2
            "    litellm_params: {model: openai/gpt-4o, api_key: os.environ/WB_TEST_OPENAI_KEY}\n"           // 3
            "  - model_name: b\n"                                                                            // 4
            "    litellm_params: {model: anthropic/claude-3-5-haiku, api_key: keychain/resolver-key}\n"     // 5
            "  - model_name: b\n"                                                                            // 6
            "    litellm_params: {model: anthropic/claude-3-5-haiku, api_key: keychain/resolver-key}\n"     // 7
            "  - model_name: local\n"                                                                        // 8
            "    litellm_params: {model: x, api_base: 'http://127.0.0.1:9/v1', api_key: dummy-local}\n"     // 9
            "  - model_name: local\n"                                                                        // 10
            "    litellm_params: {model: x, api_base: 'http://127.0.0.1:9/v1'}\n";                          // 11
        const auto list = parseModelList(yaml, QStringLiteral("models.yaml"));
        QVERIFY2(list, qPrintable(list ? QString() : list.error().toString()));
        const auto keys = resolveKeys(*list, readKeychain(*list));
        QVERIFY2(keys, qPrintable(keys ? QString() : keys.error().toString()));
        QCOMPARE(keys->size(), 5);
        QCOMPARE(keys->value(QStringLiteral("a/1")), envSecret);
        QCOMPARE(keys->value(QStringLiteral("b/1")), kcSecret);
        QCOMPARE(keys->value(QStringLiteral("b/2")), kcSecret);
        QCOMPARE(keys->value(QStringLiteral("local/1")), QStringLiteral("dummy-local"));
        QCOMPARE(keys->value(QStringLiteral("local/2")), QString());
        QVERIFY(store.remove(QStringLiteral("resolver-key")));
    }

    void readJobContract()
    {
        KeyStore store(kService);
        QVERIFY(store.set(QStringLiteral("job-key"), QStringLiteral("job-value-1234")));
        KeyReadJob job({QStringLiteral("job-key"), QStringLiteral("job-absent"), QStringLiteral("job-key")}, kService);
        QSignalSpy done(&job, &KeyReadJob::finished);
        job.start();
        QCOMPARE(done.size(), 0);   // never from inside start()
        QVERIFY(done.wait(20000));
        QCOMPARE(job.results().size(), 2);
        QCOMPARE(job.results().value(QStringLiteral("job-key")).value, QStringLiteral("job-value-1234"));
        QCOMPARE(job.results().value(QStringLiteral("job-absent")).status, KeyStore::Status::NotFound);
        QTest::qWait(50);
        QCOMPARE(done.size(), 1);

        // Cancelled: one finished(), after cancel() returned, and no answers.
        KeyReadJob cancelled({QStringLiteral("job-key")}, kService);
        QSignalSpy cdone(&cancelled, &KeyReadJob::finished);
        cancelled.start();
        cancelled.cancel();
        QCOMPARE(cdone.size(), 0);
        QVERIFY(cdone.wait(5000));
        QVERIFY(cancelled.isCancelled());
        QVERIFY(cancelled.results().isEmpty());
        QTest::qWait(300);   // the keychain's answer arrives and is dropped
        QCOMPARE(cdone.size(), 1);
        QVERIFY(store.remove(QStringLiteral("job-key")));
    }

    void resolveMissing_data()
    {
        QTest::addColumn<QByteArray>("ref");
        QTest::addColumn<QString>("message");
        QTest::newRow("keychain") << QByteArray("keychain/absent-key")
            << QStringLiteral("deployment \"c/1\" (c): the keychain has no key \"absent-key\" (store it with: discernus keys set absent-key)");
        QTest::newRow("environment") << QByteArray("os.environ/WB_TEST_UNSET_KEY")
            << QStringLiteral("deployment \"c/1\" (c): environment variable WB_TEST_UNSET_KEY is not set");
        QTest::newRow("no key, no default") << QByteArray("''")
            << QStringLiteral("deployment \"c/1\" (c): no api_key given and the environment variable MISTRAL_API_KEY is not set");
    }
    void resolveMissing()
    {
        QFETCH(QByteArray, ref);
        QFETCH(QString, message);
        KeyStore store(kService);
        const QString envSecret = QStringLiteral("env-secret-value-123456");
        qputenv("WB_TEST_OPENAI_KEY", envSecret.toUtf8());
        qunsetenv("WB_TEST_UNSET_KEY");
        qunsetenv("MISTRAL_API_KEY");
        const QByteArray yaml = "model_list:\n"
                                "  - model_name: a\n"
                                "    litellm_params: {model: openai/gpt-4o, api_key: os.environ/WB_TEST_OPENAI_KEY}\n"
                                "  - model_name: c\n"                                                // line 4
                                "    litellm_params:\n"
                                "      model: mistral/mistral-large-latest\n"
                                "      api_key: " + ref + "\n";
        const auto list = parseModelList(yaml, QStringLiteral("models.yaml"));
        QVERIFY2(list, qPrintable(list ? QString() : list.error().toString()));
        const auto keys = resolveKeys(*list, readKeychain(*list));
        QVERIFY(!keys);
        const Error &e = keys.error();
        QCOMPARE(e.file, QStringLiteral("models.yaml"));
        QCOMPARE(e.line, 4);
        QCOMPARE(e.field, QStringLiteral("model_list[1].litellm_params.api_key"));
        QCOMPARE(e.message, message);
        QVERIFY(!e.toString().contains(envSecret));
    }

    void mask_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("masked");
        const QString ell(QChar(0x2026));
        QTest::newRow("openai project") << QStringLiteral("sk-" "proj-abcdefghijklmnop1234") << QStringLiteral("sk-proj-") + ell + QStringLiteral("1234");
        QTest::newRow("anthropic") << QStringLiteral("sk-" "ant-api03-xxxxxxxxxxxxxxxx9876") << QStringLiteral("sk-ant-") + ell + QStringLiteral("9876");
        QTest::newRow("plain sk") << QStringLiteral("sk-" "abcdefghijklmnopqrst5678") << QStringLiteral("sk-") + ell + QStringLiteral("5678");
        QTest::newRow("gemini") << QStringLiteral("AIzaSyA-bcdefghijklmnopqrstu4321") << QStringLiteral("AIza") + ell + QStringLiteral("4321");
        QTest::newRow("other long") << QStringLiteral("abcdefghijklmnopq0000") << ell + QStringLiteral("0000");
        QTest::newRow("twelve") << QStringLiteral("sim-openai-1") << ell + QStringLiteral("ai-1");
        QTest::newRow("medium") << QStringLiteral("sk-abcdef12") << ell + QStringLiteral("12");
        QTest::newRow("short") << QStringLiteral("dummy") << ell;
        QTest::newRow("empty") << QString() << QString();
    }
    void mask()
    {
        QFETCH(QString, key);
        QFETCH(QString, masked);
        QCOMPARE(maskKey(key), masked);
    }

    void cleanupTestCase()
    {
        if (qEnvironmentVariable("WB_THROWAWAY_KEYRING") != u"1")
            return;
        KeyStore store(kService);
        QCOMPARE(store.list().value_or(QStringList{QStringLiteral("x")}), QStringList());
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    TestKeyStore t;
    return QTest::qExec(&t, argc, argv);
}

#include "tst_keystore.moc"
