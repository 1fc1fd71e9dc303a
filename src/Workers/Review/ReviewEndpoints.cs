using ChuyenDoiSo.Reporting.Approval;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Users;
using ChuyenDoiSo.Workers.Approval;
using ChuyenDoiSo.Workers.Operations;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ChuyenDoiSo.Workers.Review;

/// <summary>
/// The review pages (/review) of the people `users add` creates: the office reviews a draft, sends a department back,
/// edits the commune's sections and marks it ready; the signer approves and signs. Its own login and session cookie
/// (never the operator's Basic credentials, never a department's); each action is <see cref="ApprovalService"/>'s, which
/// checks the role and records it.
/// </summary>
public static class ReviewEndpoints
{
    public const string Scheme = "Review";
    private const string Html = "text/html; charset=utf-8";
    private const string Root = ReviewPages.Root;

    public static WebApplicationBuilder AddReview(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "cds_review";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.Path = Root;
            o.ExpireTimeSpan = Portal.PortalServices.IdleTimeout;
            o.SlidingExpiration = true;
            o.LoginPath = Root + "/login";
            o.ReturnUrlParameter = "returnUrl";
        });
        builder.Services.AddSingleton<ReviewLogin>();
        builder.Services.AddSingleton<ReviewReader>();
        return builder;
    }

    public static WebApplication MapReview(this WebApplication app)
    {
        app.MapGet(Root + "/login", (HttpContext context, string? returnUrl) => Content(ReviewPages.Login(Tokens(context), LocalReturn(returnUrl), null, null)));
        app.MapPost(Root + "/login", LoginAsync);
        app.MapPost(Root + "/logout", (Delegate)LogoutAsync);
        app.MapGet(Root, IndexAsync);
        app.MapGet(Root + "/{plan}/{period}", PageAsync);
        app.MapGet(Root + "/{plan}/{period}/draft.pdf", DraftPdfAsync);
        app.MapGet(Root + "/{plan}/{period}/issued.pdf", IssuedPdfAsync);
        app.MapPost(Root + "/{plan}/{period}/return", (HttpContext c, string plan, string period) => ActAsync(c, plan, period, "return"));
        app.MapPost(Root + "/{plan}/{period}/edit", (HttpContext c, string plan, string period) => ActAsync(c, plan, period, "edit"));
        app.MapPost(Root + "/{plan}/{period}/ready", (HttpContext c, string plan, string period) => ActAsync(c, plan, period, "ready"));
        app.MapPost(Root + "/{plan}/{period}/approve", (HttpContext c, string plan, string period) => ActAsync(c, plan, period, "approve"));
        app.MapPost(Root + "/{plan}/{period}/reopen", (HttpContext c, string plan, string period) => ActAsync(c, plan, period, "reopen"));
        return app;
    }

    private static async Task<UserRow?> CurrentAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(Scheme);
        return result.Succeeded ? context.RequestServices.GetRequiredService<ReviewLogin>().Current(result.Principal!) : null;
    }

    private static IResult ToLogin(HttpContext context) =>
        Results.Redirect($"{Root}/login?returnUrl={Uri.EscapeDataString(context.Request.Path + context.Request.QueryString)}");

    private sealed record Target(UserRow User, Plan Plan, ReportingPeriod Period);

    /// <summary>The user, the plan and the period of the URL, or the page that refuses: only the user's own plan, only a plan that needs approval.</summary>
    private static async Task<(Target? Target, IResult? Refusal)> ResolveAsync(HttpContext context, string planId, string period)
    {
        if (await CurrentAsync(context) is not { } user) return (null, ToLogin(context));
        var catalog = context.RequestServices.GetRequiredService<PlanRegistry>().Current;
        if (catalog.Find(planId) is not { } plan || catalog.FindPeriod(plan, period) is not { } p || p.Year != plan.Year)
            return (null, Content(ReviewPages.Message("Không tìm thấy", "Không có kỳ báo cáo này.", user, Tokens(context)), StatusCodes.Status404NotFound));
        if (plan.Id != user.PlanId)
            return (null, Content(ReviewPages.Message("Không được phép", $"Tài khoản {user.UserName} không thuộc kế hoạch này; chỉ xem và xử lý được báo cáo của kế hoạch mình.", user, Tokens(context)), StatusCodes.Status403Forbidden));
        if (!plan.RequiresApproval)
            return (null, Content(ReviewPages.Message("Không cần phê duyệt", "Kế hoạch này gửi báo cáo tự động đúng hạn, không qua rà soát và phê duyệt.", user, Tokens(context)), StatusCodes.Status404NotFound));
        return (new Target(user, plan, p), null);
    }

    private static async Task<IResult> LoginAsync(HttpContext context, ReviewLogin login)
    {
        if (await Refused(context) is { } refused) return refused;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var user = form["user"].ToString();
        var returnUrl = LocalReturn(form["returnUrl"].ToString());
        var outcome = login.Attempt(user, form["password"].ToString(), context.Connection.RemoteIpAddress?.ToString());
        if (outcome.User is not { } who)
        {
            var problem = outcome.Locked
                ? $"Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần; hãy thử lại sau {Math.Ceiling(outcome.Remaining.TotalMinutes):0} phút."
                : "Tên đăng nhập hoặc mật khẩu không đúng.";
            return Content(ReviewPages.Login(Tokens(context), returnUrl, user, problem), outcome.Locked ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized);
        }
        await context.SignInAsync(Scheme, ReviewLogin.Principal(who, Scheme), new AuthenticationProperties { IsPersistent = false });
        return Results.Redirect(returnUrl ?? Root, permanent: false, preserveMethod: false);
    }

    private static async Task<IResult> LogoutAsync(HttpContext context)
    {
        if (await Refused(context) is { } refused) return refused;
        await context.SignOutAsync(Scheme);
        return Results.Redirect(Root + "/login");
    }

    private static async Task<IResult> IndexAsync(HttpContext context, ReviewReader reader)
    {
        if (await CurrentAsync(context) is not { } user) return ToLogin(context);
        if (reader.Catalog.Find(user.PlanId) is not { } plan || !plan.RequiresApproval)
            return Content(ReviewPages.Message("Không có báo cáo", $"Kế hoạch {user.PlanId} của tài khoản không có trên hub hoặc không cần phê duyệt.", user, Tokens(context)));
        return Content(ReviewPages.Index(user, plan, reader.Index(plan), Tokens(context)));
    }

    private static async Task<IResult> PageAsync(HttpContext context, string plan, string period, ReviewReader reader, ApprovalService approvals, TimeProvider clock, string? done)
    {
        var (target, refusal) = await ResolveAsync(context, plan, period);
        if (refusal is not null) return refusal;
        approvals.EnsureDraft(target!.Plan, target.Period.Period);
        var view = reader.View(target.Plan, target.Period);
        var now = clock.GetUtcNow();
        if (!view.IsOpen(now))
            return Content(ReviewPages.Message("Chưa có dự thảo", $"Dữ liệu kỳ này còn mở đến hết ngày {DashboardHtml.Day(target.Period.CutOff)}; dự thảo được tổng hợp sau thời điểm đó.", target.User, Tokens(context)));
        return Content(ReviewPages.Review(target.User, view, Tokens(context), done, CertificatePasswordAtSigning(target.Plan), now));
    }

    /// <summary>The draft's PDF as it stands now (recompiled, kept, marked DỰ THẢO on every page); after approval, the issued document.</summary>
    private static async Task<IResult> DraftPdfAsync(HttpContext context, string plan, string period, ApprovalService approvals, ReviewReader reader, TimeProvider clock)
    {
        var (target, refusal) = await ResolveAsync(context, plan, period);
        if (refusal is not null) return refusal;
        if (!reader.View(target!.Plan, target.Period).IsOpen(clock.GetUtcNow())) return Results.NotFound();
        approvals.CompileDraft(target.Plan, target.Period.Period);
        var pdf = approvals.DraftPdf(target.Plan.Id, target.Period.Period);
        return pdf is null ? Results.NotFound() : Results.File(pdf, "application/pdf", $"{target.Plan.Id}_{target.Period.Period}_du-thao.pdf");
    }

    private static async Task<IResult> IssuedPdfAsync(HttpContext context, string plan, string period, ReviewReader reader)
    {
        var (target, refusal) = await ResolveAsync(context, plan, period);
        if (refusal is not null) return refusal;
        return reader.IssuedPdf(target!.Plan, target.Period.Period) is { } pdf
            ? Results.File(pdf, "application/pdf", $"{target.Plan.Id}_{target.Period.Period}.pdf")
            : Results.NotFound();
    }

    private static async Task<IResult> ActAsync(HttpContext context, string plan, string period, string action)
    {
        var (target, refusal) = await ResolveAsync(context, plan, period);
        if (refusal is not null) return refusal;
        if (!OperatorAccess.IsSameOrigin(context))
            return Results.Text("refused: the request does not come from this hub's review page", statusCode: StatusCodes.Status403Forbidden);
        if (await Refused(context) is { } refused) return refused;
        var services = context.RequestServices;
        var approvals = services.GetRequiredService<ApprovalService>();
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var (user, p, label) = (target!.User, target.Plan, target.Period.Period);
        string done;
        try
        {
            switch (action)
            {
                case "return":
                    var department = form["department"].ToString();
                    await approvals.ReturnDepartmentAsync(p, label, user, department, form["comment"].ToString());
                    done = $"Đã trả lại báo cáo của {ReportingName(p, department)}; bộ phận được báo qua thư điện tử và trên cổng báo cáo.";
                    break;
                case "edit":
                    var section = form["section"].ToString();
                    approvals.EditSection(p, label, user, section, form["text"].ToString().ReplaceLineEndings("\n"));
                    done = $"Đã lưu mục \"{ReviewPages.SectionName(section)}\".";
                    break;
                case "ready":
                    approvals.MarkReady(p, label, user);
                    done = "Đã trình ký; dự thảo chờ lãnh đạo phê duyệt.";
                    break;
                case "reopen":
                    approvals.Reopen(approvals.Subject(p, label), user, form["reason"].ToString());
                    done = "Đã mở lại kỳ báo cáo để lập báo cáo thay thế; khi rà soát xong, trình lãnh đạo phê duyệt.";
                    break;
                default:
                    if (user.Role == UserRoles.Signer && !services.GetRequiredService<ReviewLogin>().Confirm(user, form["password"].ToString(), context.Connection.RemoteIpAddress?.ToString()))
                        return Content(ReviewPages.Message("Không phê duyệt được", "Mật khẩu nhập lại không đúng; báo cáo chưa được phê duyệt.", user, Tokens(context)), StatusCodes.Status401Unauthorized);
                    // The signer's certificate password, where the plan has it typed at signing: used for this one signing, never kept.
                    var certificatePassword = CertificatePasswordAtSigning(p) ? form["certificatePassword"].ToString() : null;
                    var outcome = await approvals.ApproveAsync(p, label, user, context.RequestAborted, certificatePassword);
                    done = outcome.AlreadyApproved
                        ? "Báo cáo đã được phê duyệt trước đó; không cấp số, không gửi lại."
                        : outcome.Deliveries.Count == 0
                            ? $"Đã phê duyệt, cấp số {outcome.Number}; báo cáo sẽ được gửi lúc {DashboardHtml.Local(outcome.SendAt)}."
                            : $"Đã phê duyệt, cấp số {outcome.Number} và gửi cấp trên.";
                    break;
            }
        }
        catch (ApprovalRefusedException e) when (e.Certificate)
        {
            return Content(ReviewPages.Message("Không ký được", "Chứng thư số của người ký không mở được (mật khẩu chứng thư không đúng hoặc chưa nhập); báo cáo chưa được phê duyệt, chưa cấp số. Hãy nhập lại.", user, Tokens(context), e.Message), StatusCodes.Status409Conflict);
        }
        catch (ApprovalRefusedException e)
        {
            return Content(ReviewPages.Message("Không được phép", Refusal(user, action, approvals.Find(p.Id, label)?.State), user, Tokens(context), e.Message), StatusCodes.Status403Forbidden);
        }
        catch (ArgumentException e)
        {
            return Content(ReviewPages.Message("Không thực hiện được", "Nội dung gửi lên chưa hợp lệ; không có gì thay đổi.", user, Tokens(context), e.Message), StatusCodes.Status422UnprocessableEntity);
        }
        catch (Signing.SigningConfigurationException e)
        {
            return Content(ReviewPages.Message("Không ký được", "Chứng thư số không dùng được; báo cáo chưa được phê duyệt. Hãy báo quản trị hub.", user, Tokens(context), e.Message), StatusCodes.Status409Conflict);
        }
        // 303 See Other: the browser fetches the page with GET, so a reload does not post the action again.
        context.Response.Headers.Location = ReviewLinks.ReviewPath(p.Id, label) + "?done=" + Uri.EscapeDataString(done);
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    /// <summary>Why the action was refused, in the user's words; the workflow's own sentence goes under it.</summary>
    private static string Refusal(UserRow user, string action, string? state)
    {
        if (state == ApprovalStates.Approved && action != "reopen") return "Báo cáo đã được phê duyệt, kỳ báo cáo đã khóa; không thay đổi được nữa.";
        return $"Tài khoản {user.UserName} ({ReviewPages.RoleName(user.Role)}) không được {ReviewPages.ActionVerb(action)}.";
    }

    private static string ReportingName(Plan plan, string department) => plan.FindDepartment(department)?.Name ?? department;

    private static bool CertificatePasswordAtSigning(Plan plan) => Signing.SigningSetup.PasswordAtSigning(plan);

    /// <summary>A POST without this site's antiforgery token (or with a stale one) is refused before anything is read.</summary>
    private static async Task<IResult?> Refused(HttpContext context) => await FormGuard.IsValidAsync(context) ? null
        : Content(ReviewPages.Message("Yêu cầu không hợp lệ", "Biểu mẫu đã hết hạn hoặc không gửi từ trang rà soát; hãy tải lại trang rồi thực hiện lại.", null, null), StatusCodes.Status400BadRequest);

    private static string Tokens(HttpContext context) => FormGuard.Token(context);

    private static string? LocalReturn(string? returnUrl) => FormGuard.LocalPath(Root, returnUrl);

    private static IResult Content(string html, int status = StatusCodes.Status200OK) => Results.Content(html, Html, statusCode: status);
}
