using System.Text;
using ChuyenDoiSo.Reporting.Approval;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Users;
using ChuyenDoiSo.Workers.Portal;
using ChuyenDoiSo.Workers.Wiring;
using static ChuyenDoiSo.Workers.Operations.DashboardHtml;

namespace ChuyenDoiSo.Workers.Review;

/// <summary>
/// The review pages of the office and the signer (issue 14), in Vietnamese: the draft as it will print beside what needs a
/// decision, and only the actions the user's role may take. Every value goes through <c>E</c>; no scripts.
/// </summary>
public static class ReviewPages
{
    public const string Root = "/review";
    private const string Subtitle = "Rà soát và phê duyệt báo cáo";
    private static readonly (string Path, string Label)[] Navigation = [(Root, "Báo cáo chờ phê duyệt")];

    public static string RoleName(string role) => role switch
    {
        UserRoles.Office => "Văn phòng",
        UserRoles.Signer => "Lãnh đạo ký duyệt",
        UserRoles.Operator => "Vận hành",
        _ => role,
    };

    public static string StateName(string state) => state switch
    {
        ApprovalStates.Draft => "Dự thảo, đang rà soát",
        ApprovalStates.Ready => "Đã trình ký",
        ApprovalStates.Approved => "Đã phê duyệt",
        _ => state,
    };

    public static string SectionName(string section) => section switch
    {
        ApprovalSections.Results => "Đánh giá chung kết quả thực hiện",
        ApprovalSections.Difficulties => "Khó khăn, vướng mắc",
        ApprovalSections.Proposals => "Kiến nghị, đề xuất",
        ApprovalSections.NextTasks => "Nhiệm vụ trọng tâm kỳ tới",
        _ => section,
    };

    private static string ActionName(string action) => action switch
    {
        "review_login" => "Đăng nhập",
        "draft_compiled" => "Tổng hợp dự thảo",
        "department_returned" => "Trả lại bộ phận",
        "section_edited" => "Sửa nội dung",
        "marked_ready" => "Trình ký",
        "approved" => "Phê duyệt, ký số",
        "reopened" => "Mở lại để lập báo cáo thay thế",
        _ when action.EndsWith("_refused", StringComparison.Ordinal) => "Bị từ chối: " + ActionVerb(action[..^"_refused".Length]),
        _ => action,
    };

    /// <summary>What one of the page's forms asks to do (return, edit, ready, approve, reopen), as a refusal names it.</summary>
    public static string ActionVerb(string action) => action switch
    {
        "return" => "trả lại báo cáo của bộ phận",
        "edit" => "sửa nội dung báo cáo",
        "ready" => "trình ký",
        "approve" => "phê duyệt và ký số",
        "reopen" => "lập báo cáo thay thế",
        _ => action,
    };

    public static string Login(string token, string? returnUrl, string? user, string? problem) => Shell("Đăng nhập", null, null, $"""
        <p>Dành cho Văn phòng và lãnh đạo ký duyệt báo cáo (tài khoản do quản trị hub tạo bằng lệnh <code>users add</code>).</p>
        {(problem is null ? "" : $"<p class=\"notice\" id=\"login-error\">{E(problem)}</p>")}
        <form class="panel" method="post" action="{Root}/login" style="max-width:24rem">
          {PortalPages.Token(token)}<input type="hidden" name="returnUrl" value="{E(returnUrl ?? "")}">
          <p><label for="user">Tên đăng nhập</label><br><input type="text" id="user" name="user" autocomplete="username" value="{E(user ?? "")}" required></p>
          <p><label for="password">Mật khẩu</label><br><input type="password" id="password" name="password" autocomplete="current-password" required></p>
          <p><button type="submit" id="login">Đăng nhập</button></p>
        </form>
        """);

    public static string Message(string title, string text, UserRow? user, string? token, string? detail = null) =>
        Shell(title, user, token, $"<p class=\"notice\" id=\"message\">{E(text)}</p>{(detail is null ? "" : $"<p><small id=\"detail\">{E(detail)}</small></p>")}<p><a href=\"{Root}\">Về danh sách báo cáo</a></p>");

    public static string Index(UserRow user, Plan plan, IReadOnlyList<ReviewEntry> entries, string token)
    {
        var body = new StringBuilder($"<p>Kế hoạch: <b>{E(plan.Document.Title)}</b> — {E(plan.Commune.FullName)}</p>");
        if (entries.Count == 0)
            body.Append("<p id=\"none\">Chưa có kỳ báo cáo nào đến hạn tổng hợp dự thảo.</p>");
        else
        {
            body.Append("<table id=\"reports\"><tr><th>Kỳ báo cáo</th><th>Tình trạng</th><th>Gửi cấp trên lúc</th><th></th></tr>");
            foreach (var e in entries)
            {
                var state = e.Row?.State ?? ApprovalStates.Draft;
                body.Append($"""<tr data-period="{E(e.Period.Period)}"><td>{E(ReportText.PeriodText(e.Period))}</td><td class="state-{E(state)}">{E(StateName(state))}</td><td>{Local(e.SendAt)}</td><td><a href="{E(ReviewLinks.ReviewPath(plan.Id, e.Period.Period))}">Xem</a></td></tr>""");
            }
            body.Append("</table>");
        }
        return Shell("Báo cáo chờ phê duyệt", user, token, body.ToString());
    }

    public static string Review(UserRow user, ReviewView view, string token, string? done, bool certificatePasswordAtSigning, DateTimeOffset now)
    {
        var path = ReviewLinks.ReviewPath(view.Plan.Id, view.Period.Period);
        var locked = view.State == ApprovalStates.Approved;
        var office = user.Role == UserRoles.Office && !locked;
        var body = new StringBuilder();
        if (done is not null) body.Append($"<p class=\"done\" id=\"done\">{E(done)}</p>");
        body.Append("<div class=\"review\">");

        body.Append("<section>");
        body.Append(view.IsIssued
            ? $"<p class=\"watermark\" id=\"watermark\">BẢN ĐÃ PHÊ DUYỆT VÀ PHÁT HÀNH — SỐ {E(view.Number)}</p>"
            : "<p class=\"watermark\" id=\"watermark\">DỰ THẢO — chưa có số, chưa ký số</p>");
        // The document as it prints, in a frame that may run no script (sandbox without allow-scripts).
        body.Append($"<iframe id=\"draft\" title=\"{(view.IsIssued ? "Báo cáo đã phát hành" : "Dự thảo báo cáo")}\" sandbox=\"allow-same-origin\" srcdoc=\"{E(view.DraftHtml)}\"></iframe>");
        body.Append(view.IsIssued
            ? $"<p><a id=\"issued-pdf\" href=\"{E(path)}/issued.pdf\">Tải bản PDF đã ký số (bản gốc điện tử, số {E(view.Number)})</a></p>"
            : $"<p><a id=\"draft-pdf\" href=\"{E(path)}/draft.pdf\">Tải bản PDF dự thảo (có chữ DỰ THẢO trên mỗi trang)</a></p>");
        body.Append("</section>");

        body.Append("<section>");
        body.Append($"""<div class="panel" id="status"><p>Tình trạng: <span id="state" data-state="{E(view.State)}" class="state-{E(view.State)}">{E(StateName(view.State))}</span></p>""");
        body.Append($"<p>Dữ liệu chốt ngày {Day(view.Period.CutOff)}; gửi cấp trên lúc <b id=\"send-at\">{Local(view.SendAt)}</b>");
        if (!locked && now >= view.SendAt) body.Append(" — <span class=\"failed\" id=\"overdue\">đã quá giờ gửi, báo cáo đang chờ phê duyệt</span>");
        body.Append("</p>");
        if (view.Row?.Replacing == true)
            body.Append($"<p class=\"notice\" id=\"replacing\">Đang lập báo cáo thay thế Báo cáo số {E(view.Number)}: khi được phê duyệt, báo cáo mới được cấp số mới, ghi rõ thay thế báo cáo cũ, và gửi lại cấp trên.</p>");
        if (view.Row?.ReadyBy is { } readyBy) body.Append($"<p>Trình ký: {E(readyBy)} lúc {Local(view.Row.ReadyAt)}</p>");
        if (view.Row?.ApprovedBy is { } approvedBy) body.Append($"<p id=\"approved-by\">Phê duyệt: {E(approvedBy)} lúc {Local(view.Row.ApprovedAt)}; số {E(view.Number)}</p>");
        foreach (var d in view.Deliveries)
            body.Append($"<p data-channel=\"{E(d.Channel)}\">Gửi qua {E(d.Channel == "email" ? "thư điện tử" : "hàng đợi cấp trên")}: <span class=\"{E(d.Status)}\">{E(DeliveryStatus(d.Status))}</span></p>");
        body.Append("</div>");

        if (view.LateUpdates.Count > 0)
        {
            body.Append("<div class=\"panel notice\" id=\"late-updates\"><h3>Cập nhật gửi sau khi phê duyệt</h3><ul>");
            foreach (var late in view.LateUpdates)
                body.Append($"<li data-department=\"{E(late.Department)}\">{E(ReportText.DepartmentName(view.Plan, late.Department))} gửi lúc {Local(late.ReceivedAt)}</li>");
            body.Append("</ul><p>Các cập nhật này đã được lưu nhưng không có trong báo cáo đã phát hành. Văn phòng quyết định ban hành báo cáo bổ sung hoặc báo cáo thay thế (số mới, ghi rõ thay thế báo cáo số ")
                .Append(E(view.Number)).Append(").</p></div>");
        }

        body.Append("<div class=\"panel\"><h3>Cần xem xét</h3>");
        if (view.Findings.Count == 0) body.Append("<p id=\"no-findings\">Không có điểm nào cần xem xét.</p>");
        else
        {
            body.Append("<div id=\"findings\">");
            foreach (var group in view.Findings.GroupBy(f => f.Kind))
            {
                var items = group.ToList();
                // A long list (every indicator still without a value) folds under its heading; the short ones stay open.
                body.Append($"<details data-kind=\"{E(group.Key)}\"{(items.Count <= 5 ? " open" : "")}><summary>{E(FindingName(group.Key))}: {items.Count}</summary><ul>");
                foreach (var f in items) body.Append($"<li{(f.Department is null ? "" : $" data-department=\"{E(f.Department)}\"")}>{E(f.Text)}</li>");
                body.Append("</ul></details>");
            }
            body.Append("</div>");
        }
        body.Append("</div>");

        body.Append("<div class=\"panel\"><h3>Báo cáo của các bộ phận</h3><table id=\"departments\"><tr><th>Bộ phận</th><th>Tình trạng</th><th>Nhận lúc</th>");
        if (office) body.Append("<th>Trả lại (ghi rõ nội dung cần sửa)</th>");
        body.Append("</tr>");
        foreach (var d in view.Departments)
        {
            var status = d.Returned is not null ? "returned" : d.Status;
            body.Append($"""<tr data-department="{E(d.Code)}"><td>{E(d.Name)}</td><td class="{E(status)}" data-status="{E(status)}">{E(d.Returned is not null ? "Đã trả lại" : ReportText.SubmissionStatus(d.Status))}</td><td>{Local(d.ReceivedAt)}</td>""");
            if (office)
                body.Append(d.ReceivedAt is null
                    ? "<td>—</td>"
                    : $"""<td><form method="post" action="{E(path)}/return">{PortalPages.Token(token)}<input type="hidden" name="department" value="{E(d.Code)}"><textarea name="comment" id="comment-{E(d.Code)}" maxlength="{ApprovalSections.MaxLength}" required></textarea><button type="submit" id="return-{E(d.Code)}">Trả lại</button></form></td>""");
            body.Append("</tr>");
        }
        body.Append("</table></div>");

        if (office)
        {
            body.Append("<div class=\"panel\" id=\"sections\"><h3>Nội dung do Văn phòng viết</h3>");
            foreach (var section in ApprovalSections.All)
            {
                var current = view.Sections.GetValueOrDefault(section);
                body.Append($"""<form method="post" action="{E(path)}/edit">{PortalPages.Token(token)}<input type="hidden" name="section" value="{E(section)}"><p><label for="section-{E(section)}"><b>{E(SectionName(section))}</b></label>{(current is null ? "" : $" <small>(sửa lần cuối: {E(current.EditedBy)}, {Local(current.EditedAt)})</small>")}<br><textarea id="section-{E(section)}" name="text" maxlength="{ApprovalSections.MaxLength}">{E(current?.Text ?? "")}</textarea><br><button type="submit" id="save-{E(section)}">Lưu</button></p></form>""");
            }
            body.Append("</div>");
            if (view.State == ApprovalStates.Draft)
                body.Append($"""<form class="panel" method="post" action="{E(path)}/ready">{PortalPages.Token(token)}<p>Khi đã rà soát xong, trình lãnh đạo ký duyệt.</p><button type="submit" id="ready">Trình ký</button></form>""");
        }
        else if (user.Role == UserRoles.Office && view.IsIssued)
        {
            body.Append($"""<form class="panel" id="reopen-form" method="post" action="{E(path)}/reopen">{PortalPages.Token(token)}<h3>Báo cáo thay thế</h3><p>Báo cáo đã phát hành không sửa được. Nếu cần đính chính (có cập nhật sau khi phê duyệt, phát hiện sai sót), Văn phòng lập báo cáo thay thế: kỳ báo cáo được mở lại để rà soát, lãnh đạo phê duyệt thì báo cáo mới được cấp số mới, ghi rõ thay thế Báo cáo số {E(view.Number)}.</p><p><label for="reopen-reason">Lý do thay thế</label><textarea id="reopen-reason" name="reason" maxlength="{ApprovalSections.MaxLength}" required></textarea></p><button type="submit" id="reopen">Lập báo cáo thay thế</button></form>""");
        }
        else if (user.Role == UserRoles.Signer && !locked)
        {
            body.Append($"""<form class="panel" id="approve-form" method="post" action="{E(path)}/approve">{PortalPages.Token(token)}<h3>Phê duyệt và ký số</h3>""");
            body.Append(view.State == ApprovalStates.Ready ? "<p>Văn phòng đã trình ký.</p>" : "<p class=\"notice\">Văn phòng chưa trình ký; đồng chí vẫn có thể phê duyệt.</p>");
            body.Append("<p>Khi phê duyệt, báo cáo được cấp số, ký số (chữ ký của đồng chí và của cơ quan) và gửi cấp trên ngay, hoặc đúng giờ gửi nếu chưa đến giờ.</p>");
            body.Append("<p><label for=\"confirm-password\">Nhập lại mật khẩu để ký</label><input type=\"password\" id=\"confirm-password\" name=\"password\" autocomplete=\"current-password\" required></p>");
            if (certificatePasswordAtSigning)
                body.Append("<p><label for=\"certificate-password\">Mật khẩu chứng thư số của người ký</label><input type=\"password\" id=\"certificate-password\" name=\"certificatePassword\" autocomplete=\"off\" required></p>");
            body.Append("<button type=\"submit\" id=\"approve\">Phê duyệt và ký số</button></form>");
        }

        if (view.Sections.Count > 0 && !office)
        {
            body.Append("<div class=\"panel\"><h3>Nội dung do Văn phòng viết</h3>");
            foreach (var (section, edit) in view.Sections)
                body.Append($"<p><b>{E(SectionName(section))}</b> <small>({E(edit.EditedBy)}, {Local(edit.EditedAt)})</small><br>{E(edit.Text)}</p>");
            body.Append("</div>");
        }

        body.Append("<div class=\"panel\"><h3>Nhật ký</h3><table id=\"history\"><tr><th>Lúc</th><th>Người thực hiện</th><th>Việc</th><th>Chi tiết</th></tr>");
        foreach (var h in view.History)
            body.Append($"<tr data-action=\"{E(h.Action)}\"><td>{Local(h.At)}</td><td>{E(h.Actor)}</td><td>{E(ActionName(h.Action))}</td><td>{E(h.Action == "section_edited" && h.Detail is { } d ? SectionName(d) : h.Detail ?? "")}</td></tr>");
        body.Append("</table></div>");
        body.Append("</section></div>");
        return Shell($"Báo cáo {ReportText.PeriodText(view.Period)} — {view.Plan.Commune.FullName}", user, token, body.ToString());
    }

    private static string FindingName(string kind) => kind switch
    {
        FindingKinds.DepartmentMissing => "Bộ phận chưa gửi báo cáo",
        FindingKinds.DepartmentLate => "Bộ phận gửi trễ hạn",
        FindingKinds.DepartmentReturned => "Bộ phận đã trả lại, chưa gửi bản sửa",
        FindingKinds.IndicatorWithoutValue => "Chỉ tiêu chưa có số liệu",
        FindingKinds.CompileWarning => "Số liệu cần kiểm tra",
        FindingKinds.FarFromPrevious => "Chênh lệch lớn so với kỳ trước",
        FindingKinds.CountFell => "Số lượng giảm so với kỳ trước",
        FindingKinds.TaskOverdue => "Nhiệm vụ quá thời hạn chưa hoàn thành",
        _ => kind,
    };

    private static string DeliveryStatus(string status) => status switch
    {
        "sent" => "đã gửi",
        "pending" => "chờ gửi",
        "sending" => "đang gửi",
        "failed" => "gửi lỗi, sẽ gửi lại",
        "awaiting_approval" => "chờ phê duyệt",
        _ => status,
    };

    private static string Shell(string title, UserRow? user, string? token, string body)
    {
        var who = user is null ? null
            : $"<span class=\"who\" id=\"who\">{E(user.UserName)} ({E(RoleName(user.Role))}) <form method=\"post\" action=\"{Root}/logout\">{PortalPages.Token(token)}<button type=\"submit\" id=\"logout\">Đăng xuất</button></form></span>";
        return Page(title, Root, body, Navigation, Subtitle, who);
    }
}
