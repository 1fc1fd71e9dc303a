namespace ChuyenDoiSo.Workers.Operations;

/// <summary>Reads the queues' depths every 15 seconds for the hub.queue.depth gauge (a gauge's callback cannot wait for the broker).</summary>
public sealed class QueueDepthMonitor(ErrorQueueBroker broker, HubMetrics metrics, TimeProvider clock, ILogger<QueueDepthMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!broker.IsAvailable) return;
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                metrics.QueueDepths(await broker.DepthsAsync(stoppingToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Reading the queue depths failed: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
