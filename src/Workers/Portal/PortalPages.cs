using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Portal;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Wiring;

namespace ChuyenDoiSo.Workers.Portal;

/// <summary>
/// The portal's pages, server-rendered, in Vietnamese, phone-first (one column, nothing wider than the screen). Every
/// string a department or a plan wrote goes through <see cref="E"/>.
/// </summary>
public static class PortalPages
{
    public const string TokenField = "__RequestVerificationToken";

    private const string Css = """
        *{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
        body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:16px;line-height:1.45;color:#1b1f24;background:#f3f5f8}
        header{background:#0b4f8a;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.4rem 1rem;justify-content:space-between;align-items:center}
        header a,header button{color:#fff}header form{margin:0}header .who{font-size:.9rem;overflow-wrap:anywhere}
        main{max-width:50rem;margin:0 auto;padding:.8rem}
        h1{font-size:1.3rem;margin:.4rem 0}h2{font-size:1.1rem;margin:1rem 0 .4rem}
        .card{background:#fff;border:1px solid #d5dae1;border-radius:6px;padding:.7rem .8rem;margin:.5rem 0;overflow-wrap:anywhere}
        .overdue{border-left:5px solid #b3261e}.counts{border-left:5px solid #1e7b34}
        label{display:block;font-weight:600;margin:.35rem 0 .15rem;font-size:.95rem}
        input,select,textarea{width:100%;max-width:100%;font:inherit;padding:.45rem;border:1px solid #8d96a3;border-radius:4px;background:#fff}
        textarea{min-height:5.5rem;resize:vertical}
        .row{display:flex;flex-wrap:wrap;gap:.5rem}.row>div{flex:1 1 5.5rem;min-width:0}
        button,.button{display:inline-block;font:inherit;padding:.55rem 1rem;background:#0b4f8a;color:#fff;border:0;border-radius:4px;text-decoration:none;cursor:pointer}
        button.link{background:none;padding:0;text-decoration:underline}
        .error{color:#b3261e;font-size:.9rem;margin:.2rem 0}.errors{border-left:5px solid #b3261e}
        .tag{display:inline-block;font-size:.78rem;padding:0 .35rem;border-radius:3px;background:#dbe8f6;color:#0b4f8a;font-weight:600}
        .tag.coord{background:#ececec;color:#444}
        .muted,small{color:#555}.ok{color:#1e7b34;font-weight:600}.bad{color:#b3261e;font-weight:600}
        ul{padding-left:1.2rem}
        """;

    /// <summary>Vietnamese stays readable in the page source; &lt;, &gt;, &amp;, quotes and the rest HTML needs are still encoded.</summary>
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    public static string E(string? text) => Encoder.Encode(text ?? "");

    public static string Day(DateOnly date) => date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    public static string Local(DateTimeOffset instant) => HubTime.LocalDateTime(instant).ToString("HH:mm dd/MM/yyyy", CultureInfo.InvariantCulture);

    public static string Page(string title, string body, DepartmentIdentity? who = null, Department? department = null, string? token = null)
    {
        var header = new StringBuilder("<header><a href=\"/portal\"><strong>Cổng báo cáo chuyển đổi số</strong></a>");
        if (who is not null)
            header.Append($"<span class=\"who\" id=\"who\">{E(department?.Name ?? who.Department)} ({E(who.Department)})</span>")
                  .Append($"<form method=\"post\" action=\"/portal/logout\">{Token(token)}<button class=\"link\" type=\"submit\">Đăng xuất</button></form>");
        header.Append("</header>");
        return $"""
            <!DOCTYPE html>
            <html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(title)}</title><style>{Css}</style></head>
            <body>{header}<main>{body}</main></body></html>
            """;
    }

    public static string Token(string? token) => token is null ? "" : $"<input type=\"hidden\" name=\"{TokenField}\" value=\"{E(token)}\">";

    public static string Login(string token, string? returnUrl, string? user, string? problem) => Page("Đăng nhập — Cổng báo cáo", $"""
        <h1>Đăng nhập</h1>
        <p class="muted">Dùng tên đăng nhập và mật khẩu của bộ phận (do quản trị hub cấp, giống tài khoản gửi báo cáo qua hàng đợi).</p>
        {(problem is null ? "" : $"<p class=\"card errors error\" id=\"login-error\">{E(problem)}</p>")}
        <form class="card" method="post" action="/portal/login">
          {Token(token)}<input type="hidden" name="returnUrl" value="{E(returnUrl)}">
          <label for="user">Tên đăng nhập</label><input id="user" name="user" autocomplete="username" autocapitalize="none" spellcheck="false" value="{E(user)}" required>
          <label for="password">Mật khẩu</label><input id="password" name="password" type="password" autocomplete="current-password" required>
          <p><button type="submit" id="login">Đăng nhập</button></p>
        </form>
        """);

    public static string Start(DepartmentIdentity who, Plan plan, Department department, IReadOnlyList<OpenPeriod> periods, string token)
    {
        var body = new StringBuilder($"<h1>{E(plan.Document.Title)}</h1><p class=\"muted\">{E(plan.Commune.FullName)} — {E(department.Name)}</p><h2>Kỳ báo cáo đang mở</h2>");
        if (periods.Count == 0) body.Append("<p class=\"card\">Hiện không có kỳ báo cáo nào đang mở.</p>");
        foreach (var open in periods)
        {
            var p = open.Period;
            var sent = open.Sent is { } s
                ? $"Đã gửi {s.Versions} bản{(s.Rejected > 0 ? $", {s.Rejected} bản bị từ chối" : "")}{(s.CurrentReceivedAt is { } at ? $"; bản được tính nhận lúc {Local(at)}" : "")}"
                : "Chưa gửi";
            body.Append($"""
                <div class="card{(open.Overdue ? " overdue" : "")}" data-period="{E(p.Period)}">
                <strong>{E(p.Kind.ToVietnamese(p.Period, p.Year))}</strong> <small>({E(p.Period)})</small>
                {(open.Overdue ? "<span class=\"bad\"> — Quá hạn</span>" : "")}
                <div>Hạn gửi của bộ phận: <strong>{Day(open.Deadline)}</strong>; số liệu tính đến hết ngày {Day(p.CutOff)}</div>
                <div class="muted">{E(sent)}</div>
                <p><a class="button" href="{E(PortalLinks.FormPath(plan.Id, p.Period))}">Báo cáo kỳ này</a>
                   <a href="{E(PortalLinks.FormPath(plan.Id, p.Period))}/history">Lịch sử gửi</a></p>
                </div>
                """);
        }
        return Page("Cổng báo cáo — " + department.Name, body.ToString(), who, department, token);
    }

    /// <summary>The form; <paramref name="values"/> are the inputs to show (pre-filled or as posted), <paramref name="problems"/> by field.</summary>
    /// <param name="returned">The office's comment when it sent this department's update back and no newer one came since.</param>
    public static string Form(DepartmentIdentity who, DepartmentForm form, IReadOnlyDictionary<string, string> values, IReadOnlyList<(string Field, string Message)> problems, string token, string? uploadProblem = null,
        Reporting.Approval.ApprovalReturnRow? returned = null)
    {
        var p = form.Period;
        var path = PortalLinks.FormPath(form.Plan.Id, p.Period);
        var shown = new HashSet<string>(StringComparer.Ordinal);
        string V(string name) => E(values.GetValueOrDefault(name));
        string Errors(string name)
        {
            shown.Add(name);
            return string.Concat(problems.Where(x => x.Field == name).Select(x => $"<p class=\"error\" data-field=\"{E(name)}\">{E(x.Message)}</p>"));
        }
        string Input(string name, string label, string mode = "decimal") =>
            $"<div><label for=\"{E(name)}\">{label}</label><input id=\"{E(name)}\" name=\"{E(name)}\" inputmode=\"{mode}\" value=\"{V(name)}\">{Errors(name)}</div>";
        string Role(FormRole role) => role == FormRole.Lead ? "<span class=\"tag\">Chủ trì</span>" : "<span class=\"tag coord\">Phối hợp</span>";

        var body = new StringBuilder();
        body.Append($"<h1>Báo cáo {E(p.Kind.ToVietnamese(p.Period, p.Year))}</h1>")
            .Append($"<p class=\"muted\">{E(form.Department.Name)} — {E(form.Plan.Document.Title)}. Hạn gửi của bộ phận: <strong>{Day(p.DepartmentDueDate)}</strong>; số liệu tính đến hết ngày {Day(p.CutOff)}.</p>")
            .Append($"<p><a href=\"{E(path)}/workbook\" id=\"download\">Tải biểu mẫu Excel</a> · <a href=\"{E(path)}/history\">Lịch sử gửi</a></p>");
        if (returned is not null)
            body.Append($"<div class=\"error\" id=\"returned\" role=\"alert\"><p><strong>Văn phòng trả lại báo cáo</strong> lúc {Local(returned.ReturnedAt)}: {E(returned.Comment)}</p><p>Đề nghị rà soát và gửi lại báo cáo kỳ này.</p></div>");
        var formBody = new StringBuilder();
        formBody.Append($"<form method=\"post\" action=\"{E(path)}\" id=\"report\">{Token(token)}");

        formBody.Append("<h2>Chỉ tiêu</h2>");
        if (form.Indicators.Count == 0) formBody.Append("<p class=\"card muted\">Bộ phận không chủ trì hay phối hợp chỉ tiêu nào của kế hoạch.</p>");
        foreach (var i in form.Indicators)
        {
            var code = i.Indicator.Code;
            var last = i.Last is { } l ? (l.Numerator is not null ? $"{DepartmentForm.Text(l.Numerator)}/{DepartmentForm.Text(l.Denominator)}" : DepartmentForm.Text(l.Value)) : null;
            formBody.Append($"<fieldset class=\"card\" data-indicator=\"{E(code)}\"><legend>{Role(i.Role)} <strong>{E(code)}</strong></legend><div>{E(i.Indicator.Name)}</div>")
                .Append($"<div class=\"muted\">Đơn vị tính: {E(i.Indicator.Unit)} · Mục tiêu năm: {E(i.Indicator.Target.ToString())}{(i.Indicator.Target.Text is { } t && t != i.Indicator.Target.ToString() ? $" ({E(t)})" : "")}")
                .Append(last is null ? "" : $" · Lần báo cáo trước: {E(last)}").Append("</div><div class=\"row\">")
                .Append(Input($"ind.{code}.value", i.TakesCounts ? "Giá trị (%)" : "Giá trị"));
            if (i.TakesCounts) formBody.Append(Input($"ind.{code}.numerator", "Tử số", "numeric")).Append(Input($"ind.{code}.denominator", "Mẫu số", "numeric"));
            formBody.Append("</div></fieldset>");
        }

        formBody.Append("<h2>Nhiệm vụ</h2>");
        if (form.Tasks.Count == 0) formBody.Append("<p class=\"card muted\">Bộ phận không chủ trì hay phối hợp nhiệm vụ nào của kế hoạch.</p>");
        foreach (var t in form.Tasks)
        {
            var code = t.Task.Code;
            var status = values.GetValueOrDefault($"task.{code}.status");
            var options = string.Concat(new[] { ("", "— Chưa báo cáo —") }.Concat(DepartmentForm.Statuses.Select(s => (s.Status, s.Label)))
                .Select(s => $"<option value=\"{E(s.Item1)}\"{(s.Item1 == (status ?? "") ? " selected" : "")}>{E(s.Item2)}</option>"));
            var last = t.Last is { } l ? $"Lần báo cáo trước: {E(DepartmentForm.Statuses.FirstOrDefault(s => s.Status == l.Status).Label ?? l.Status)}{(l.Progress is { } pr ? $", {DepartmentForm.Text(pr)}%" : "")}" : "Chưa báo cáo";
            formBody.Append($"<fieldset class=\"card\" data-task=\"{E(code)}\"><legend>{Role(t.Role)} <strong>{E(code)}</strong></legend><div>{E(t.Task.Name)}</div>")
                .Append($"<div class=\"muted\">Thời gian: {E(t.Task.Timeframe)} · {last}</div><div class=\"row\">")
                .Append($"<div><label for=\"task.{E(code)}.status\">Trạng thái</label><select id=\"task.{E(code)}.status\" name=\"task.{E(code)}.status\">{options}</select>{Errors($"task.{code}.status")}</div>")
                .Append(Input($"task.{code}.progress", "Tiến độ (%)"))
                .Append("</div>")
                .Append($"<label for=\"task.{E(code)}.note\">Ghi chú</label><input id=\"task.{E(code)}.note\" name=\"task.{E(code)}.note\" value=\"{V($"task.{code}.note")}\">{Errors($"task.{code}.note")}")
                .Append("</fieldset>");
        }

        formBody.Append("<h2>Số liệu trong kỳ</h2><div class=\"card\">");
        foreach (var s in form.Statistics)
            formBody.Append($"<div><label for=\"stat.{E(s.Code)}\">{E(s.Name)}</label><input id=\"stat.{E(s.Code)}\" name=\"stat.{E(s.Code)}\" inputmode=\"numeric\" value=\"{V($"stat.{s.Code}")}\">{Errors($"stat.{s.Code}")}</div>");
        formBody.Append("</div>");

        formBody.Append("<h2>Thuyết minh</h2><div class=\"card\">");
        foreach (var (name, label) in new[] { ("narrative.results", "Kết quả đạt được"), ("narrative.difficulties", "Khó khăn, vướng mắc"), ("narrative.proposals", "Kiến nghị, đề xuất") })
            formBody.Append($"<label for=\"{name}\">{label}</label><textarea id=\"{name}\" name=\"{name}\">{V(name)}</textarea>{Errors(name)}");
        formBody.Append("</div><p><button type=\"submit\" id=\"submit\">Gửi báo cáo</button></p></form>");

        // Problems no field of the page shows (an item the form does not offer, the message as a whole) go on top.
        var rest = problems.Where(x => !shown.Contains(x.Field)).ToList();
        if (problems.Count > 0)
            body.Append($"<div class=\"card errors\" id=\"problems\"><strong class=\"bad\">Báo cáo chưa được gửi: có {problems.Count} lỗi cần sửa.</strong>")
                .Append(rest.Count == 0 ? "" : "<ul>" + string.Concat(rest.Select(x => $"<li class=\"error\" data-field=\"{E(x.Field)}\">{E(x.Message)}</li>")) + "</ul>")
                .Append("</div>");
        body.Append(formBody);

        body.Append($"""
            <h2>Gửi bằng tệp Excel</h2>
            <form class="card" method="post" action="{E(path)}/workbook" enctype="multipart/form-data" id="upload">
              {Token(token)}
              {(uploadProblem is null ? "" : $"<p class=\"error\" id=\"upload-error\">{E(uploadProblem)}</p>")}
              <label for="file">Tệp .xlsx đã điền (tải ở trên)</label><input id="file" name="file" type="file" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet">
              <p><button type="submit">Tải lên và gửi</button></p>
            </form>
            """);
        return Page($"Báo cáo {p.Period} — {form.Department.Name}", body.ToString(), who, form.Department, token);
    }

    public static string WorkbookProblems(DepartmentIdentity who, Department department, string formPath, IReadOnlyList<(string Where, string Message)> problems, string token) =>
        Page("Tệp Excel chưa hợp lệ", $"""
            <h1>Tệp Excel chưa được gửi</h1>
            <div class="card errors" id="problems"><p class="bad">Có {problems.Count} lỗi; không có gì được gửi. Hãy sửa rồi tải lên lại.</p>
            <ul>{string.Concat(problems.Select(x => $"<li class=\"error\" data-cell=\"{E(x.Where)}\"><strong>{E(x.Where)}</strong>: {E(x.Message)}</li>"))}</ul></div>
            <p><a href="{E(formPath)}">Quay lại biểu mẫu</a></p>
            """, who, department, token);

    public static string Receipt(DepartmentIdentity who, Department department, ReportingPeriod period, PortalReceiptRow? receipt, IReadOnlyList<RejectionReason> reasons, string token)
    {
        var path = PortalLinks.FormPath(who.PlanId, period.Period);
        string verdict;
        if (receipt is null)
            verdict = "<p class=\"bad\" id=\"outcome\" data-outcome=\"unconfirmed\">Chưa nhận được xác nhận của hub. Hãy xem lại Lịch sử gửi sau ít phút.</p>";
        else if (receipt.Outcome is "accepted" or "duplicate" && reasons.Count == 0)
        {
            var first = receipt.FirstReceivedDate is { } f ? new DateOnlyHandler().Parse(f) : HubTime.LocalDate(new DateTimeOffsetHandler().Parse(receipt.ReceivedAt));
            var onTime = Reporting.Compile.SubmissionTimeliness.Status(period, first) == Reporting.Compile.SubmissionStatus.OnTime;
            verdict = $"<p class=\"ok\" id=\"outcome\" data-outcome=\"accepted\" data-timeliness=\"{(onTime ? "on_time" : "late")}\">Đã tiếp nhận báo cáo{(receipt.Outcome == "duplicate" ? " (bản này đã có trước đó)" : "")}.</p>" +
                      $"<p id=\"timeliness\">Báo cáo kỳ này của bộ phận được tính là <strong>{(onTime ? "đúng hạn" : "muộn hạn")}</strong> (nhận lần đầu ngày {Day(first)}, hạn {Day(period.DepartmentDueDate)}).</p>";
        }
        else
            verdict = $"<p class=\"bad\" id=\"outcome\" data-outcome=\"rejected\">Báo cáo bị từ chối ({reasons.Count} lý do):</p><ul>" +
                      string.Concat(reasons.Select(r => $"<li class=\"error\" data-field=\"{E(r.Field)}\">{E(r.Message)} <small>({E(r.Field)})</small></li>")) + "</ul>";
        return Page("Kết quả gửi báo cáo", $"""
            <h1>Kết quả gửi báo cáo {E(period.Kind.ToVietnamese(period.Period, period.Year))}</h1>
            <div class="card" id="receipt">{verdict}{(receipt is null ? "" : $"<p class=\"muted\">Hub nhận lúc {Local(new DateTimeOffsetHandler().Parse(receipt.ReceivedAt))}</p>")}</div>
            <p><a href="{E(path)}">Quay lại biểu mẫu</a> · <a href="{E(path)}/history">Lịch sử gửi</a> · <a href="/portal">Các kỳ báo cáo</a></p>
            """, who, department, token);
    }

    public static string History(DepartmentIdentity who, Department department, ReportingPeriod period, IReadOnlyList<VersionRow> versions, string token)
    {
        var body = new StringBuilder($"<h1>Lịch sử gửi — {E(period.Kind.ToVietnamese(period.Period, period.Year))}</h1>");
        if (versions.Count == 0) body.Append("<p class=\"card\">Bộ phận chưa gửi bản nào cho kỳ này.</p>");
        foreach (var v in versions)
        {
            var reasons = v.ReasonsJson is null ? [] : System.Text.Json.JsonSerializer.Deserialize<RejectionReason[]>(v.ReasonsJson, PlanJson.Options) ?? [];
            var by = v.SubmittedBy ?? v.TransportUser ?? "(không ghi)";
            body.Append($"<div class=\"card{(v.Counts ? " counts" : "")}\" data-message=\"{E(v.MessageId)}\" data-outcome=\"{E(v.Outcome)}\">")
                .Append($"<div><strong>{Local(new DateTimeOffsetHandler().Parse(v.ReceivedAt))}</strong> — ")
                .Append(v.Outcome == "accepted" ? (v.Counts ? "<span class=\"ok\">Bản được tính</span>" : "Đã thay bằng bản sau") : "<span class=\"bad\">Bị từ chối</span>")
                .Append($"</div><div class=\"muted\">Người gửi: {E(by)}{(v.TransportUser is { } u && v.SubmittedBy is not null ? $" (tài khoản {E(u)})" : "")} · Mã tin: <small>{E(v.MessageId)}</small></div>");
            if (reasons.Length > 0) body.Append("<ul>").Append(string.Concat(reasons.Select(r => $"<li class=\"error\">{E(r.Message)}</li>"))).Append("</ul>");
            body.Append("</div>");
        }
        body.Append($"<p><a href=\"{E(PortalLinks.FormPath(who.PlanId, period.Period))}\">Quay lại biểu mẫu</a></p>");
        return Page("Lịch sử gửi " + period.Period, body.ToString(), who, department, token);
    }

    public static string Message(string title, string text, DepartmentIdentity? who = null, Department? department = null, string? token = null) =>
        Page(title, $"<h1>{E(title)}</h1><p class=\"card\" id=\"message\">{E(text)}</p><p><a href=\"/portal\">Về trang đầu</a></p>", who, department, token);
}
