using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using System.Text.Json;
using ChuyenDoiSo.Reporting.Operations;
using ChuyenDoiSo.Reporting.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChuyenDoiSo.Workers.Operations;

/// <summary>The operator's HTTP surface: /health/live, /health/ready, /metrics, the dashboard pages and the error-queue actions.</summary>
public static class OperationsEndpoints
{
    /// <summary>Checks that decide readiness (MassTransit tags its bus check "ready" too).</summary>
    public const string ReadyTag = "ready";
    private const string Html = "text/html; charset=utf-8";

    public static WebApplication MapOperations(this WebApplication app)
    {
        var access = app.Services.GetRequiredService<OperatorAccess>();
        // The client is who the configured proxies say (Hub:Http:KnownProxies), before anything looks at its address. Without
        // any, no forwarded header is read at all: ASP.NET trusts every sender when both of its lists are empty.
        if (app.Services.GetRequiredService<Wiring.HubOptions>().Http.KnownProxies.Trim().Length > 0) app.UseForwardedHeaders();
        // Reads: open to loopback clients only while the hub listens on loopback only; otherwise only with the operator's
        // credentials, whoever asks. Health stays open for probes.
        app.Use(async (context, next) =>
        {
            // The department portal and the review pages have their own logins (a department's; an office's or a signer's), never the operator's.
            if (!context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments(Wiring.PortalLinks.Root)
                && !context.Request.Path.StartsWithSegments(Review.ReviewPages.Root)
                && !access.IsOpen(context) && access.Authenticate(context) is null)
            {
                await OperatorAccess.Challenge(access.ListensBeyondLoopback
                    ? "the hub listens beyond loopback: the dashboard and /metrics need the operator's credentials"
                    : "the dashboard and /metrics need the operator's credentials from beyond loopback").ExecuteAsync(context);
                return;
            }
            await next(context);
        });

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealthAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(ReadyTag),
            ResponseWriter = WriteHealthAsync,
            // Degraded (SMTP unreachable, database busy) is still ready: updates keep being stored.
            ResultStatusCodes = { [HealthStatus.Healthy] = 200, [HealthStatus.Degraded] = 200, [HealthStatus.Unhealthy] = 503 },
        });
        app.MapPrometheusScrapingEndpoint("/metrics");

        app.MapGet("/", async (DashboardPages pages, CancellationToken ct) => Results.Content(await pages.OverviewAsync(ct), Html));
        // An unknown plan is a 404 saying so, never another plan's matrix under its name.
        app.MapGet("/matrix", (DashboardPages pages, string? plan) => pages.Matrix(plan) is { } page ? Results.Content(page, Html) : PlanNotFound("/matrix", plan));
        app.MapGet("/plan", (DashboardPages pages, string? plan) => pages.PlanView(plan) is { } page ? Results.Content(page, Html) : PlanNotFound("/plan", plan));
        app.MapGet("/deliveries", (DashboardPages pages) => Results.Content(pages.Deliveries(), Html));
        app.MapGet("/rejections", (DashboardPages pages) => Results.Content(pages.Rejections(), Html));
        app.MapGet("/errors", async (DashboardPages pages, HttpContext http, Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery, string? done, CancellationToken ct) =>
            Results.Content(await pages.ErrorsAsync(done, antiforgery.GetAndStoreTokens(http).RequestToken, ct), Html));
        app.MapPost("/errors/redrive", (Delegate)((HttpContext context) => ActAsync(context, "redrive")));
        app.MapPost("/errors/discard", (Delegate)((HttpContext context) => ActAsync(context, "discard")));
        return app;
    }

    /// <summary>Re-drive or discard one message (form field message) or a whole group (field group); recorded in the audit log.</summary>
    // An unknown plan is a 404 saying so, never another plan's page under its name.
    private static IResult PlanNotFound(string path, string? plan) =>
        Results.Content(DashboardHtml.Page("Không tìm thấy kế hoạch (not found)", path, $"<p class=\"notice\" id=\"not-found\">Không có kế hoạch (plan) \"{DashboardHtml.E(plan)}\" trên hub này.</p>"), Html, statusCode: StatusCodes.Status404NotFound);

    private static async Task<IResult> ActAsync(HttpContext context, string action)
    {
        var services = context.RequestServices;
        var access = services.GetRequiredService<OperatorAccess>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("ChuyenDoiSo.Operations");
        if (!access.IsConfigured)
            return Results.Text("no operator is configured (Hub:Http:Operator:User and Password): nothing may be changed", statusCode: StatusCodes.Status403Forbidden);
        if (access.Authenticate(context) is not { } @operator)
            return OperatorAccess.Challenge("this action needs the operator's credentials");
        if (!OperatorAccess.IsSameOrigin(context))
            return Results.Text("refused: the request does not come from this dashboard", statusCode: StatusCodes.Status403Forbidden);
        // The form's antiforgery token (from the /errors page), beside the origin check: a POST without it is refused.
        try
        {
            await services.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>().ValidateRequestAsync(context);
        }
        catch (Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException e)
        {
            logger.LogWarning("Operator {Operator}: {Action} refused, antiforgery: {Reason}", @operator, action, e.Message);
            return Results.Text("refused: the form carries no valid antiforgery token; reload the dashboard page and try again", statusCode: StatusCodes.Status400BadRequest);
        }
        var broker = services.GetRequiredService<ErrorQueueBroker>();
        if (!broker.IsAvailable)
            return Results.Text("the error queue is only available with RabbitMQ", statusCode: StatusCodes.Status409Conflict);
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        var selection = new ErrorSelection(Field(form, "message"), Field(form, "group"));
        if (selection.MessageKey is null == (selection.GroupKey is null))
            return Results.Text("expected exactly one of the form fields message or group", statusCode: StatusCodes.Status400BadRequest);

        int count;
        string? error = null;
        try
        {
            count = action == "redrive"
                ? await broker.RedriveAsync(selection, @operator, context.RequestAborted)
                : await broker.DiscardAsync(selection, context.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            count = 0;
            error = e.Message;
            logger.LogError(e, "Operator {Operator}: {Action} of {Target} failed", @operator, action, selection.Target);
        }
        var clock = services.GetRequiredService<TimeProvider>();
        using (var connection = services.GetRequiredService<HubDatabase>().Open())
            new OperationsQueries(connection).RecordAction(clock.GetUtcNow(), @operator, context.Connection.RemoteIpAddress?.ToString(), action, selection.Target, count, error);
        logger.LogWarning("Operator {Operator} from {Remote}: {Action} {Target}: {Count} messages{Error}",
            @operator, context.Connection.RemoteIpAddress, action, selection.Target, count, error is null ? "" : $" (failed: {error})");
        var done = error is not null
            ? $"{action} thất bại: {error}"
            : action == "redrive"
                ? $"Đã re-drive {count} tin nhắn về hàng đợi {ErrorQueueBroker.InputQueue}."
                : $"Đã discard (bỏ) {count} tin nhắn.";
        // 303 See Other: the browser fetches the page with GET, so a reload does not post the action again.
        context.Response.Headers.Location = "/errors?done=" + Uri.EscapeDataString(done);
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static string? Field(IFormCollection? form, string name) =>
        form is not null && form.TryGetValue(name, out var value) && value.ToString() is { Length: > 0 } text ? text : null;

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description ?? e.Value.Exception?.Message }),
        }));
    }
}
