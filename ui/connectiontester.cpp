#include "ui/connectiontester.h"

#include "core/session/connectiontest.h"

namespace wb {
namespace ui {

ConnectionTester::ConnectionTester(QObject *parent) : QObject(parent) {}

ConnectionTester::~ConnectionTester()
{
    if (m_test) {
        m_test->disconnect(this);
        m_test->cancel();   // aborts the call in flight; the job is deleted with this object
    }
}

void ConnectionTester::test(const ModelList &models, const QStringList &deploymentIds, double timeoutSeconds)
{
    if (m_test)
        return;
    m_test = new ConnectionTest(models, deploymentIds, timeoutSeconds, this);
    connect(m_test, &ConnectionTest::result, this, [this, timeoutSeconds](const ConnectionResult &r) {
        QString message;
        if (r.timedOut)
            message = tr("No answer within %1 s").arg(timeoutSeconds);
        else if (r.ok)
            message = tr("OK — %1 answered in %2 ms").arg(r.modelVersion).arg(r.ms);
        else if (r.answered && r.errorClass != ErrorClass::None)
            message = errorClassName(r.errorClass) + QStringLiteral(": ") + r.error;
        else
            message = r.error;
        emit result(r.deploymentId, r.ok, message, r.ms);
    });
    connect(m_test, &ConnectionTest::finished, this, [this] {
        m_test->deleteLater();
        m_test = nullptr;
        emit finished();
    });
    m_test->start();
}

} // namespace ui
} // namespace wb
