using System.Net.Sockets;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Wiring;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace ChuyenDoiSo.Workers.Operations;

/// <summary>The hub's database takes a write: the write lock is taken and released (BEGIN IMMEDIATE; ROLLBACK).</summary>
public sealed class SqliteWritableCheck(HubDatabase database, Ingest.StorageFaults faults) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // The writer's own last failure (locked beyond its wait, full, damaged) decides: updates are not being stored.
        if (faults.Cause is { } cause) return Task.FromResult(HealthCheckResult.Unhealthy($"Không lưu được cập nhật (SQLite): {cause}"));
        try
        {
            using var connection = database.Open();
            // Shorter than the hub's own wait: a health probe must answer quickly.
            connection.Execute("PRAGMA busy_timeout = 2000");
            connection.Execute("BEGIN IMMEDIATE");
            connection.Execute("ROLLBACK");
            return Task.FromResult(HealthCheckResult.Healthy($"Ghi được (writable): {database.Path}"));
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
        {
            // SQLITE_BUSY / SQLITE_LOCKED: a long write (a big ingest batch) holds the lock; the hub waits, not fails.
            return Task.FromResult(HealthCheckResult.Degraded($"Cơ sở dữ liệu đang bận (SQLITE_BUSY): {database.Path} đang bị tiến trình khác khóa ghi"));
        }
        catch (HubDatabaseException e)
        {
            return Task.FromResult(e.IsTransient
                ? HealthCheckResult.Degraded($"Cơ sở dữ liệu đang bận (SQLITE_BUSY): {e.Message}")
                : HealthCheckResult.Unhealthy($"Không ghi được cơ sở dữ liệu (SQLite): {e.Message}"));
        }
        catch (SqliteException e)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"Không ghi được cơ sở dữ liệu (SQLite): {HubDatabaseException.Explain(database.Path, e)}"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"Không ghi được cơ sở dữ liệu (SQLite): {database.Path}: {e.Message}"));
        }
    }
}

/// <summary>Quartz's scheduler is started and not in standby or shut down: deadlines will fire.</summary>
public sealed class SchedulerRunningCheck(ISchedulerFactory schedulers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var status = await scheduler.GetStatus(cancellationToken);
        if (status != SchedulerStatus.Running) return HealthCheckResult.Unhealthy($"Bộ hẹn giờ không chạy (Quartz scheduler: {status}): các hạn báo cáo sẽ không được gửi");
        var triggers = (await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.AnyGroup(), cancellationToken)).Count;
        return HealthCheckResult.Healthy($"Đang chạy (Quartz scheduler) với {triggers} trigger");
    }
}

/// <summary>
/// The SMTP server answers on its port (a TCP connect, no mail). Registered with failure status Degraded: the hub keeps
/// storing updates without it, and a report that cannot be sent stays pending in the ledger.
/// </summary>
public sealed class SmtpReachableCheck(HubOptions options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var smtp = options.Smtp;
        if (!smtp.IsConfigured) return HealthCheckResult.Healthy($"Chưa cấu hình máy chủ thư (Hub:Smtp:Host): thư được ghi thành tệp .eml (pickup) trong {Path.GetFullPath(options.PickupDirectory)}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(smtp.Host!, smtp.Port, timeout.Token);
            return HealthCheckResult.Healthy($"Máy chủ thư trả lời (SMTP): {smtp.Host}:{smtp.Port}");
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Không kết nối được (SMTP) {smtp.Host}:{smtp.Port}: {e.Message}; báo cáo chờ gửi lại (pending) trong sổ gửi");
        }
    }
}
