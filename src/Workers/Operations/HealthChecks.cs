using System.Net.Sockets;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Wiring;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace ChuyenDoiSo.Workers.Operations;

/// <summary>The hub's database takes a write: the write lock is taken and released (BEGIN IMMEDIATE; ROLLBACK).</summary>
public sealed class SqliteWritableCheck(HubDatabase database) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var connection = database.Open();
            // Shorter than the hub's own wait: a health probe must answer quickly.
            connection.Execute("PRAGMA busy_timeout = 2000");
            connection.Execute("BEGIN IMMEDIATE");
            connection.Execute("ROLLBACK");
            return Task.FromResult(HealthCheckResult.Healthy($"{database.Path} is writable"));
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
        {
            // SQLITE_BUSY / SQLITE_LOCKED: a long write (a big ingest batch) holds the lock; the hub waits, not fails.
            return Task.FromResult(HealthCheckResult.Degraded($"{database.Path} is busy: {e.Message}"));
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"{database.Path} is not writable: {e.Message}"));
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
        if (status != SchedulerStatus.Running) return HealthCheckResult.Unhealthy($"the scheduler is {status}, not running");
        var triggers = (await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.AnyGroup(), cancellationToken)).Count;
        return HealthCheckResult.Healthy($"the scheduler is running with {triggers} triggers");
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
        if (!smtp.IsConfigured) return HealthCheckResult.Healthy($"no SMTP server configured: email goes to {Path.GetFullPath(options.PickupDirectory)}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(smtp.Host!, smtp.Port, timeout.Token);
            return HealthCheckResult.Healthy($"{smtp.Host}:{smtp.Port} answers");
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{smtp.Host}:{smtp.Port} does not answer: {e.Message}");
        }
    }
}
