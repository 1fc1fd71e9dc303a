using System.Security.Claims;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Portal;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Reporting.Workbooks;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ChuyenDoiSo.Workers.Portal;

/// <summary>
/// The department portal (/portal): login, the open periods, one period's form, its history, the workbook download and
/// upload, the receipt. Thin: what a department reports and how a form becomes a message is Reporting's
/// (<see cref="DepartmentForm"/>, <see cref="PortalPeriods"/>); sending is <see cref="PortalSubmitter"/>'s.
/// </summary>
public static class PortalEndpoints
{
    private const string Html = "text/html; charset=utf-8";
    private const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static WebApplication MapPortal(this WebApplication app)
    {
        app.UseAuthentication();
        var root = PortalLinks.Root;
        app.MapGet(root + "/login", (HttpContext context, string? returnUrl) => Content(PortalPages.Login(Tokens(context), LocalReturn(returnUrl), null, null)));
        app.MapPost(root + "/login", LoginAsync);
        app.MapPost(root + "/logout", (Delegate)LogoutAsync);
        app.MapGet(root, StartPage);
        app.MapGet(root + "/{plan}/{period}", FormPage);
        app.MapPost(root + "/{plan}/{period}", SubmitAsync);
        app.MapGet(root + "/{plan}/{period}/history", HistoryPage);
        app.MapGet(root + "/{plan}/{period}/workbook", Workbook);
        app.MapPost(root + "/{plan}/{period}/workbook", UploadAsync);
        app.MapGet(root + "/{plan}/{period}/receipt/{messageId}", ReceiptPage);
        return app;
    }

    /// <summary>Who is logged in: bound from the session cookie only, and only while that department's password is the one it logged in with.</summary>
    private sealed record Session(DepartmentIdentity Who, Plan Plan, Department Department, PlanCatalog Catalog);

    private static Session? Current(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated != true || context.User.FindFirstValue(ClaimTypes.Name) is not { } user) return null;
        var login = context.RequestServices.GetRequiredService<DepartmentLogin>();
        if (login.Find(user) is not { } now || now.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture) != context.User.FindFirstValue("generation")) return null;
        var catalog = context.RequestServices.GetRequiredService<PlanRegistry>().Current;
        var plan = catalog.Find(now.PlanId)!;
        return new Session(now, plan, plan.FindDepartment(now.Department)!, catalog);
    }

    private static IResult ToLogin(HttpContext context) =>
        Results.Redirect($"{PortalLinks.Root}/login?returnUrl={Uri.EscapeDataString(context.Request.Path + context.Request.QueryString)}");

    /// <summary>The session and the period of the URL; a plan that is not the department's, or a period not in its calendar, is not found.</summary>
    private static (Session? Session, ReportingPeriod? Period, IResult? Refusal) Resolve(HttpContext context, string plan, string period)
    {
        if (Current(context) is not { } session) return (null, null, ToLogin(context));
        if (plan != session.Plan.Id || session.Catalog.FindPeriod(session.Plan, period) is not { } p || p.Year != session.Plan.Year)
            return (session, null, Content(PortalPages.Message("Không tìm thấy", "Không có kỳ báo cáo này trong kế hoạch của bộ phận.", session.Who, session.Department, Tokens(context)), StatusCodes.Status404NotFound));
        return (session, p, null);
    }

    private static async Task<IResult> LoginAsync(HttpContext context, DepartmentLogin login)
    {
        if (await Refused(context) is { } refused) return refused;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var user = form["user"].ToString();
        var returnUrl = LocalReturn(form["returnUrl"].ToString());
        var outcome = login.Attempt(user, form["password"].ToString(), context.Connection.RemoteIpAddress?.ToString());
        if (outcome.Identity is not { } who)
        {
            var problem = outcome.Locked
                ? $"Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần; hãy thử lại sau {Math.Ceiling(outcome.Remaining.TotalMinutes):0} phút."
                : "Tên đăng nhập hoặc mật khẩu không đúng.";
            return Content(PortalPages.Login(Tokens(context), returnUrl, user, problem), outcome.Locked ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized);
        }
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, who.User), new Claim("plan", who.PlanId), new Claim("department", who.Department), new Claim("generation", who.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            PortalServices.Scheme);
        await context.SignInAsync(PortalServices.Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
        return Results.Redirect(returnUrl ?? PortalLinks.Root, permanent: false, preserveMethod: false);
    }

    private static async Task<IResult> LogoutAsync(HttpContext context)
    {
        if (await Refused(context) is { } refused) return refused;
        await context.SignOutAsync(PortalServices.Scheme);
        return Results.Redirect(PortalLinks.Root + "/login");
    }

    private static IResult StartPage(HttpContext context, HubDatabase database, TimeProvider clock)
    {
        if (Current(context) is not { } session) return Results.Redirect(PortalLinks.Root + "/login");
        IReadOnlyList<SentSummary> sent;
        using (var connection = database.Open()) sent = new PortalQueries(connection).Sent(session.Plan.Id, session.Department.Code);
        var open = PortalPeriods.Open(session.Catalog.CalendarFor(session.Plan), HubTime.LocalDate(clock.GetUtcNow()), sent);
        return Content(PortalPages.Start(session.Who, session.Plan, session.Department, open, Tokens(context)));
    }

    private static IResult FormPage(HttpContext context, string plan, string period, HubDatabase database)
    {
        var (session, p, refusal) = Resolve(context, plan, period);
        if (refusal is not null) return refusal;
        var form = DepartmentForm.For(session!.Plan, session.Department, p!, LastUpdate(database, session, p!));
        return Content(PortalPages.Form(session.Who, form, Prefill(form), [], Tokens(context), returned: Returned(database, session.Plan.Id, p!.Period, session.Department.Code)));
    }

    /// <summary>The office's latest return of this department's update for the period, while no newer version came (issue 14).</summary>
    private static Reporting.Approval.ApprovalReturnRow? Returned(HubDatabase database, string planId, string period, string department)
    {
        using var connection = database.Open();
        var store = new Reporting.Approval.ApprovalStore(connection);
        return Reporting.Approval.ReviewFindings.StillReturned(department, store.Returns(planId, period), store.LatestReceipts(planId, period));
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, string plan, string period, HubDatabase database, PortalSubmitter submitter, TimeProvider clock)
    {
        var (session, p, refusal) = Resolve(context, plan, period);
        if (refusal is not null) return refusal;
        if (await Refused(context) is { } refused) return refused;
        var posted = await context.Request.ReadFormAsync(context.RequestAborted);
        var fields = posted.Where(f => f.Key != PortalPages.TokenField).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        // The department, plan and period are the session's and the URL's; a field naming others is tampering, refused whole.
        foreach (var (key, expected) in new[] { ("department", session!.Department.Code), ("planId", session.Plan.Id), ("period", p!.Period) })
            if (fields.TryGetValue(key, out var value) && value != expected)
                return Content(PortalPages.Message("Bị từ chối", $"Biểu mẫu ghi {key} “{value}”, không phải của bộ phận đã đăng nhập; không có gì được gửi.", session.Who, session.Department, Tokens(context)), StatusCodes.Status403Forbidden);
        var now = clock.GetUtcNow();
        var (message, formProblems) = DepartmentForm.ToMessage(session.Plan, session.Department.Code, p.Period, fields, Guid.NewGuid(), now, SubmittedBy(session));
        var problems = DepartmentForm.Validate(message, formProblems, session.Catalog, now);
        if (problems.Count > 0)
        {
            var form = DepartmentForm.For(session.Plan, session.Department, p, LastUpdate(database, session, p));
            return Content(PortalPages.Form(session.Who, form, fields, problems, Tokens(context)), StatusCodes.Status422UnprocessableEntity);
        }
        return await SendAsync(context, session, p, message, submitter);
    }

    private static async Task<IResult> UploadAsync(HttpContext context, string plan, string period, HubDatabase database, PortalSubmitter submitter, TimeProvider clock)
    {
        var (session, p, refusal) = Resolve(context, plan, period);
        if (refusal is not null) return refusal;
        if (await Refused(context) is { } refused) return refused;
        IResult Problem(string text, int status)
        {
            var form = DepartmentForm.For(session!.Plan, session.Department, p!, LastUpdate(database, session, p!));
            return Content(PortalPages.Form(session.Who, form, Prefill(form), [], Tokens(context), text), status);
        }
        if (context.Request.ContentLength > WorkbookReader.DefaultMaxBytes + 64 * 1024)
            return Problem($"Tệp quá lớn: tối đa {WorkbookReader.DefaultMaxBytes / 1024 / 1024} MB.", StatusCodes.Status413PayloadTooLarge);
        var posted = await context.Request.ReadFormAsync(context.RequestAborted);
        if (posted.Files.GetFile("file") is not { Length: > 0 } file) return Problem("Hãy chọn tệp .xlsx để tải lên.", StatusCodes.Status400BadRequest);
        if (file.Length > WorkbookReader.DefaultMaxBytes) return Problem($"Tệp quá lớn: tối đa {WorkbookReader.DefaultMaxBytes / 1024 / 1024} MB.", StatusCodes.Status413PayloadTooLarge);
        DepartmentWorkbookResult result;
        using (var stream = file.OpenReadStream()) result = DepartmentWorkbook.Read(stream, session!.Catalog);
        // Not a workbook, macro-enabled, encrypted, too big, not one of ours: one line.
        if (result.PlanId is null && result.Problems is [{ Where: "workbook" } only]) return Problem($"Tệp bị từ chối: {only.Message}", StatusCodes.Status400BadRequest);
        if (result.PlanId != session.Plan.Id || result.Department != session.Department.Code)
            return Problem($"Tệp là biểu mẫu của bộ phận {result.Department} (kế hoạch {result.PlanId}), không phải của bộ phận đã đăng nhập: bị từ chối vì mạo danh; không có gì được gửi.", StatusCodes.Status403Forbidden);
        if (result.Period != p!.Period)
            return Problem($"Tệp là biểu mẫu của kỳ {result.Period}, không phải kỳ {p.Period}; hãy tải lên ở trang của kỳ đó.", StatusCodes.Status400BadRequest);
        var now = clock.GetUtcNow();
        var message = result.Message is null ? null : result.Message with { SubmittedAt = now, SubmittedBy = SubmittedBy(session) };
        var problems = result.Problems.Select(x => (x.Where, x.Message)).ToList();
        if (message is not null) problems.AddRange(Reporting.Ingest.SubmissionValidator.Validate(message, session.Catalog, now).Select(r => ("workbook", r.Message)));
        if (message is null || problems.Count > 0)
            return Content(PortalPages.WorkbookProblems(session.Who, session.Department, PortalLinks.FormPath(plan, period), problems, Tokens(context)), StatusCodes.Status422UnprocessableEntity);
        return await SendAsync(context, session, p, message, submitter);
    }

    private static async Task<IResult> SendAsync(HttpContext context, Session session, ReportingPeriod period, DepartmentReportSubmitted message, PortalSubmitter submitter)
    {
        try
        {
            await submitter.SubmitAsync(message, session.Who, context.RequestAborted);
        }
        catch (Broker.BrokerUnavailableException e)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ChuyenDoiSo.Portal").LogError("Portal: publishing {MessageId} as {User} failed: {Error}", message.MessageId, session.Who.User, e.Message);
            return Content(PortalPages.Message("Chưa gửi được", "Hub không gửi được báo cáo lên hàng đợi lúc này; hãy thử lại sau ít phút.", session.Who, session.Department, Tokens(context)), StatusCodes.Status503ServiceUnavailable);
        }
        // See Other: a reload shows the receipt again instead of sending the report twice.
        context.Response.Headers.Location = $"{PortalLinks.FormPath(session.Plan.Id, period.Period)}/receipt/{message.MessageId:D}";
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static IResult ReceiptPage(HttpContext context, string plan, string period, string messageId, HubDatabase database)
    {
        var (session, p, refusal) = Resolve(context, plan, period);
        if (refusal is not null) return refusal;
        PortalReceiptRow? receipt;
        using (var connection = database.Open()) receipt = Guid.TryParse(messageId, out var id) ? new PortalQueries(connection).Receipt(id.ToString("D")) : null;
        // Another department's receipt is not this one's to see: as if there were none.
        if (receipt is not null && (receipt.PlanId != session!.Plan.Id || receipt.Department != session.Department.Code || receipt.Period != p!.Period))
            return Content(PortalPages.Message("Không tìm thấy", "Không có lần gửi này trong lịch sử của bộ phận.", session!.Who, session.Department, Tokens(context)), StatusCodes.Status404NotFound);
        var reasons = receipt?.ReasonsJson is { } json ? System.Text.Json.JsonSerializer.Deserialize<RejectionReason[]>(json, PlanJson.Options) ?? [] : [];
        return Content(PortalPages.Receipt(session!.Who, session.Department, p!, receipt, reasons, Tokens(context)));
    }

    private static IResult HistoryPage(HttpContext context, string plan, string period, HubDatabase database)
    {
        var (session, p, refusal) = Resolve(context, plan, period);
        if (refusal is not null) return refusal;
        IReadOnlyList<VersionRow> versions;
        using (var connection = database.Open()) versions = new PortalQueries(connection).Versions(session!.Plan.Id, session.Department.Code, p!.Period);
        return Content(PortalPages.History(session.Who, session.Department, p, versions, Tokens(context)));
    }

    private static IResult Workbook(HttpContext context, string plan, string period, HubDatabase database)
    {
        var (session, p, refusal) = Resolve(context, plan, period);
        if (refusal is not null) return refusal;
        var buffer = new MemoryStream();
        DepartmentWorkbook.Write(session!.Plan, session.Department.Code, p!, LastUpdate(database, session, p!), buffer);
        return Results.File(buffer.ToArray(), XlsxType, $"{session.Plan.Id}-{session.Department.Code}-{p!.Period}.xlsx");
    }

    private static DepartmentReportSubmitted? LastUpdate(HubDatabase database, Session session, ReportingPeriod period)
    {
        using var connection = database.Open();
        var rows = new WorkbookQueries(connection).CurrentUpdates(session.Plan.Id, session.Department.Code);
        return WorkbookQueries.LastUpdate(rows, session.Catalog.CalendarFor(session.Plan), period.Period);
    }

    private static Dictionary<string, string> Prefill(DepartmentForm form)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        void Set(string name, string? value)
        {
            if (value is not null) values[name] = value;
        }
        foreach (var i in form.Indicators)
        {
            Set($"ind.{i.Indicator.Code}.value", i.Value);
            Set($"ind.{i.Indicator.Code}.numerator", i.Numerator);
            Set($"ind.{i.Indicator.Code}.denominator", i.Denominator);
        }
        foreach (var t in form.Tasks)
        {
            Set($"task.{t.Task.Code}.status", t.Status);
            Set($"task.{t.Task.Code}.progress", t.Progress);
            Set($"task.{t.Task.Code}.note", t.Note);
        }
        foreach (var s in form.Statistics) Set($"stat.{s.Code}", s.Value);
        Set("narrative.results", form.Results);
        Set("narrative.difficulties", form.Difficulties);
        Set("narrative.proposals", form.Proposals);
        return values;
    }

    private static string SubmittedBy(Session session) => $"{session.Department.Name} (cổng báo cáo, {session.Who.User})";

    /// <summary>A POST without this site's antiforgery token (or with a stale one) is refused before anything is read or sent.</summary>
    private static async Task<IResult?> Refused(HttpContext context) => await FormGuard.IsValidAsync(context) ? null
        : Content(PortalPages.Message("Yêu cầu không hợp lệ", "Biểu mẫu đã hết hạn hoặc không gửi từ cổng báo cáo; hãy tải lại trang rồi gửi lại."), StatusCodes.Status400BadRequest);

    private static string Tokens(HttpContext context) => FormGuard.Token(context);

    private static string? LocalReturn(string? returnUrl) => FormGuard.LocalPath(PortalLinks.Root, returnUrl);

    private static IResult Content(string html, int status = StatusCodes.Status200OK) => Results.Content(html, Html, statusCode: status);
}
