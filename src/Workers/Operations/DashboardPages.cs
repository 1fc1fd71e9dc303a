using System.Text;
using System.Text.Json.Nodes;
using ChuyenDoiSo.Reporting.Approval;
using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Operations;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using static ChuyenDoiSo.Workers.Operations.DashboardHtml;

namespace ChuyenDoiSo.Workers.Operations;

/// <summary>The dashboard's pages (Vietnamese, English where operators expect it), each a function of the hub's state now.</summary>
public sealed class DashboardPages(
    PlanRegistry registry,
    HubDatabase database,
    DeliveryLedger ledger,
    ErrorQueueBroker errors,
    HealthCheckService health,
    OperatorAccess access,
    Wiring.HubOptions options,
    IServiceProvider services,
    TimeProvider clock)
{
    // Read at each use: the plans may have been reloaded since.
    private PlanCatalog catalog => registry.Current;

    public async Task<string> OverviewAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var report = await health.CheckHealthAsync(r => r.Tags.Contains(OperationsEndpoints.ReadyTag), cancellationToken);
        var body = new StringBuilder();
        ApprovalBanner(body, now);
        body.Append($"""<p>Tình trạng chung (health): <span class="{report.Status}" id="health-status">{E(HealthLabel(report.Status))}</span> — lúc {Local(now)}</p>""");
        body.Append("<table id=\"health\"><tr><th>Kiểm tra (check)</th><th>Tình trạng</th><th>Chi tiết</th></tr>");
        foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            body.Append($"""<tr data-check="{E(name)}"><td>{E(CheckLabel(name))}</td><td class="{entry.Status}">{E(HealthLabel(entry.Status))}</td><td>{E(HealthDetail(name, entry))}</td></tr>""");
        body.Append("</table>");

        body.Append("<h2>Kế hoạch và hạn báo cáo tiếp theo</h2><table id=\"deadlines\"><tr><th>Kế hoạch</th><th>Đơn vị</th><th>Kỳ báo cáo</th><th>Hạn bộ phận gửi</th><th>Báo cáo gửi đi lúc</th><th>Còn lại</th></tr>");
        var deadlines = NextDeadlines.For(catalog, now);
        foreach (var plan in catalog.Plans)
        {
            var next = deadlines.FirstOrDefault(d => d.PlanId == plan.Id);
            body.Append(next is null
                ? $"<tr><td>{E(plan.Id)}</td><td>{E(plan.Commune.FullName)}</td><td colspan=\"4\">Đã hết kỳ báo cáo của năm {plan.Year}</td></tr>"
                : $"<tr><td><a href=\"/matrix?plan={Uri.EscapeDataString(plan.Id)}\">{E(plan.Id)}</a></td><td>{E(plan.Commune.FullName)}</td><td>{E(next.Period.Period)}</td><td>{Day(next.Period.DepartmentDueDate)}</td><td>{Local(next.SendAt)}</td><td>{E(Duration(next.Until(now)))}</td></tr>");
        }
        body.Append("</table>");

        using (var connection = database.Open())
        {
            var queries = new IngestQueries(connection);
            var counts = queries.OutcomeCounts().ToDictionary(c => c.Outcome, c => c.Count, StringComparer.Ordinal);
            body.Append("<h2>Cập nhật của các bộ phận</h2><table><tr><th>Đã nhận (accepted)</th><th>Trùng (duplicate)</th><th>Bị từ chối (rejected)</th><th>Xung đột (conflict)</th><th>Đã lưu</th></tr>");
            body.Append($"<tr><td class=\"num\">{E(counts.GetValueOrDefault("accepted"))}</td><td class=\"num\">{E(counts.GetValueOrDefault("duplicate"))}</td><td class=\"num\">{E(counts.GetValueOrDefault("rejected"))}</td><td class=\"num\">{E(counts.GetValueOrDefault("conflict"))}</td><td class=\"num\">{E(queries.SubmissionCount())}</td></tr></table>");
        }
        if (errors.IsAvailable)
        {
            body.Append("<h2>Hàng đợi (Queue)</h2><table><tr><th>Queue</th><th>Số tin chờ (ready)</th></tr>");
            try
            {
                foreach (var (queue, messages) in await errors.DepthsAsync(cancellationToken))
                    body.Append($"<tr><td>{E(queue)}</td><td class=\"num\">{E(messages)}</td></tr>");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                body.Append($"<tr><td colspan=\"2\">Không đọc được độ dài hàng đợi (RabbitMQ management API): {E(Wiring.Secrets.MaskUri(e.Message))}</td></tr>");
            }
            body.Append("</table>");
        }
        return Page("Tổng quan", "/", body.ToString());
    }

    /// <summary>
    /// At the top of the overview, only while any report awaits approval: the overdue ones first (their send time passed and
    /// the ledger holds them), then the others by send time, each with the link to its review page.
    /// </summary>
    private void ApprovalBanner(StringBuilder body, DateTimeOffset now)
    {
        IReadOnlyList<AwaitingApprovalRow> awaiting;
        using (var connection = database.Open()) awaiting = new ApprovalStore(connection).Awaiting();
        if (awaiting.Count == 0) return;
        var rows = awaiting.Select(a => (Row: a, SendAt: SendAt(a.PlanId, a.Period))).OrderByDescending(a => a.Row.Overdue).ThenBy(a => a.SendAt).ToList();
        body.Append($"""
            <section class="notice" id="approval-banner"><h2>Báo cáo chờ phê duyệt</h2>
            <p><strong id="awaiting-count">{E(rows.Count)}</strong> báo cáo chờ phê duyệt, trong đó <strong id="overdue-count">{E(rows.Count(r => r.Row.Overdue))}</strong> đã quá giờ gửi: chưa gửi, giữ lại đến khi được phê duyệt (awaiting approval).</p>
            <table id="awaiting-approval"><tr><th>Kế hoạch</th><th>Kỳ</th><th>Tình trạng</th><th>Giờ gửi</th><th>Rà soát, phê duyệt</th></tr>
            """);
        foreach (var (row, sendAt) in rows)
        {
            var review = Wiring.ReviewLinks.ReviewPath(row.PlanId, row.Period);
            var state = ApprovalLabel(new ApprovalStanding(row.State));
            body.Append($"<tr data-plan=\"{E(row.PlanId)}\" data-period=\"{E(row.Period)}\" data-overdue=\"{(row.Overdue ? "true" : "false")}\"><td>{E(row.PlanId)}</td><td>{E(row.Period)}</td>" +
                        $"<td{(row.Overdue ? " class=\"failed\"" : "")}>{E(row.Overdue ? $"Quá giờ gửi, chưa gửi — {state}" : state)}</td><td>{E(Local(sendAt))}</td>" +
                        $"<td><a class=\"review-link\" href=\"{E(review)}\">{E("Xem và phê duyệt")}</a></td></tr>");
        }
        body.Append("</table></section>");
    }

    /// <summary>When a plan's report leaves; null when the plans no longer have it.</summary>
    private DateTimeOffset? SendAt(string planId, string period) =>
        catalog.Find(planId) is { } plan && catalog.FindPeriod(plan, period) is { } reportingPeriod ? DeliverySchedule.SendAt(plan, reportingPeriod) : null;

    /// <summary>An approval standing in Vietnamese, the hub's word beside it; who approved and when.</summary>
    public static string ApprovalLabel(ApprovalStanding standing) => standing.State switch
    {
        ApprovalStanding.NotRequired => "Không cần phê duyệt",
        ApprovalStanding.NotDrafted => "Chưa có dự thảo (not drafted yet)",
        ApprovalStates.Draft => "Dự thảo, chờ rà soát (draft)",
        ApprovalStates.Ready => "Đã trình ký, chờ phê duyệt (ready)",
        ApprovalStates.Approved => $"Đã phê duyệt (approved){(standing.ApprovedBy is null ? "" : $": {standing.ApprovedBy}, {Local(standing.ApprovedAt)}")}",
        var other => other,
    };

    /// <summary>The plan's matrix; null for a plan the hub does not have (a 404, never another plan's page).</summary>
    public string? Matrix(string? planId)
    {
        var plan = planId is null ? catalog.Plans.FirstOrDefault() : catalog.Find(planId);
        if (plan is null) return null;
        var today = HubTime.LocalDate(clock.GetUtcNow());
        IReadOnlyList<PeriodReceiptRow> receipts;
        IReadOnlyList<(string, string)> returned;
        using (var connection = database.Open())
        {
            receipts = new IngestQueries(connection).FirstReceipts();
            returned = new ApprovalStore(connection).StillReturned(plan.Id);
        }
        var matrix = SubmissionMatrix.For(plan, catalog.CalendarFor(plan), receipts, today, returned);
        var body = new StringBuilder("<p>Kế hoạch: ");
        body.Append(string.Join(" · ", catalog.Plans.Select(p => p.Id == plan.Id
            ? $"<strong>{E(p.Id)}</strong>"
            : $"<a href=\"/matrix?plan={Uri.EscapeDataString(p.Id)}\">{E(p.Id)}</a>")));
        body.Append($"</p><p>{E(plan.Commune.FullName)} — năm {plan.Year}. Đúng hạn / trễ hạn theo ngày hub nhận cập nhật đầu tiên, so với hạn của bộ phận.</p>");
        body.Append("""<p class="legend"><span class="on_time">Đúng hạn (on time)</span><span class="late">Trễ hạn (late)</span><span class="missing">Chưa nộp (missing)</span><span class="pending">Chưa đến hạn (not due yet)</span><span class="returned">Văn phòng trả lại (returned)</span></p>""");
        body.Append("<table id=\"matrix\"><tr><th>Bộ phận \\ Kỳ</th>");
        foreach (var period in matrix.Periods)
            body.Append($"<th title=\"hạn {Day(period.DepartmentDueDate)}\">{E(period.Period)}<br><small>{Day(period.DepartmentDueDate)}</small></th>");
        body.Append("</tr>");
        foreach (var department in matrix.Departments)
        {
            var name = plan.Departments.FirstOrDefault(d => d.Code == department)?.Name;
            body.Append($"<tr><th title=\"{E(name)}\">{E(department)}</th>");
            foreach (var period in matrix.Periods)
            {
                var cell = matrix.Cell(department, period.Period);
                body.Append(cell is null
                    ? "<td></td>"
                    : $"<td class=\"{cell.Status}\" data-department=\"{E(department)}\" data-period=\"{E(period.Period)}\" title=\"{E(Local(cell.ReceivedAt))}\">{E(StatusLabel(cell.Status))}</td>");
            }
            body.Append("</tr>");
        }
        body.Append("</table>");
        LateList(body, plan, matrix);
        return Page("Ma trận nộp báo cáo", "/matrix", body.ToString());
    }

    /// <summary>
    /// The departments that are late, have not sent, or were sent back by the office, each with the address of its own
    /// portal form for that period (Hub:Http:PublicUrl), which the office can pass on by phone or Zalo; the latest period first.
    /// </summary>
    private void LateList(StringBuilder body, Plan plan, SubmissionMatrixView matrix)
    {
        var late = matrix.Periods.Reverse()
            .SelectMany(p => matrix.Departments.Select(d => matrix.Cell(d, p.Period)))
            .Where(c => c is { Status: "late" or "missing" or SubmissionMatrix.Returned })
            .Select(c => c!)
            .ToList();
        body.Append("<h2>Bộ phận trễ hạn hoặc chưa nộp</h2>");
        if (late.Count == 0)
        {
            body.Append("<p id=\"late-list\">Không có bộ phận nào trễ hạn hoặc chưa nộp.</p>");
            return;
        }
        body.Append("<table id=\"late-list\"><tr><th>Kỳ</th><th>Bộ phận</th><th>Tình trạng</th><th>Email</th><th>Biểu mẫu báo cáo của bộ phận</th></tr>");
        foreach (var cell in late)
        {
            var department = plan.FindDepartment(cell.Department);
            var link = Wiring.PortalLinks.Form(options.Http, plan.Id, cell.Period);
            body.Append($"<tr data-department=\"{E(cell.Department)}\" data-period=\"{E(cell.Period)}\"><td>{E(cell.Period)}</td><td title=\"{E(cell.Department)}\">{E(department?.Name ?? cell.Department)}</td>" +
                        $"<td class=\"{cell.Status}\">{E(StatusLabel(cell.Status))}</td><td>{E(department?.Email)}</td><td><a class=\"portal-link\" href=\"{E(link)}\">{E(link)}</a></td></tr>");
        }
        body.Append("</table>");
    }

    /// <summary>A plan's leads, coordinators, timeframes and targets, each with its source; an assumed one is marked.</summary>
    public string? PlanView(string? planId)
    {
        var plan = planId is null ? catalog.Plans.First() : catalog.Find(planId);
        if (plan is null) return null;
        var body = new StringBuilder("<p>Kế hoạch: ");
        body.Append(string.Join(" · ", catalog.Plans.Select(p => p.Id == plan.Id
            ? $"<strong>{E(p.Id)}</strong>"
            : $"<a href=\"/plan?plan={Uri.EscapeDataString(p.Id)}\">{E(p.Id)}</a>")));
        body.Append($"</p><p>{E(plan.Commune.FullName)} — năm {plan.Year}. <span id=\"assumed-count\">{PlanSources.AssumedCount(plan)}</span> giá trị là giả định của người nhập (kế hoạch không nêu), ghi rõ lý do.</p>");
        body.Append("<table id=\"plan-sources\"><tr><th>Mục</th><th>Trường</th><th>Giá trị</th><th>Nguồn</th></tr>");
        foreach (var row in PlanSources.Rows(plan))
        {
            var assumed = row[3].StartsWith(PlanSources.AssumedMark, StringComparison.Ordinal);
            body.Append($"<tr{(assumed ? " class=\"assumed\"" : "")}><td>{E(row[0])}</td><td>{E(row[1])}</td><td>{E(row[2])}</td><td>{(assumed ? "<strong>" + E(row[3]) + "</strong>" : E(row[3]))}</td></tr>");
        }
        body.Append("</table>");
        return Page("Kế hoạch và nguồn số liệu", "/plan", body.ToString());
    }

    /// <summary>
    /// What is due and not sent, failed or waiting first, then what went out, then what is not due yet: the schedule joined
    /// with the ledger (the same join as the `deliveries` verb), so a report that never started is on the page too.
    /// </summary>
    public string Deliveries()
    {
        var now = clock.GetUtcNow();
        var rollup = options.IsHigherLevel ? services.GetRequiredService<Reporting.Rollup.RollupSetup>() : null;
        var schedule = rollup is not null ? rollup.Schedule() : DeliverySchedule.For(catalog, null, null, null);
        var rows = DeliveryStanding.For(schedule, ledger.All(), now);
        ApprovalStandings approvals;
        using (var connection = database.Open()) approvals = new(catalog, new ApprovalStore(connection).All(null), now, rollup);
        int Count(Func<DeliveryStandingRow, bool> which) => rows.Count(which);
        var body = new StringBuilder($"""
            <p id="delivery-summary">Đến hạn mà chưa gửi (not sent): <strong>{E(Count(r => r.Status == DeliveryStanding.NotSent))}</strong> ·
            Thất bại (failed): <strong>{E(Count(r => r.Status == "failed"))}</strong> ·
            Chờ gửi lại (pending): <strong>{E(Count(r => r.Status is "pending" or "sending"))}</strong> ·
            Chờ phê duyệt (awaiting approval): <strong>{E(Count(r => r.Status == DeliveryLedger.AwaitingApproval))}</strong> ·
            Đã gửi (sent): <strong>{E(Count(r => r.Status == "sent"))}</strong> ·
            Chưa đến hạn (not due yet): <strong>{E(Count(r => r.Status == DeliveryStanding.NotDue))}</strong></p>
            """);
        body.Append("<table id=\"deliveries\"><tr><th>Kế hoạch</th><th>Kỳ</th><th>Kênh</th><th>Người nhận</th><th>Hạn gửi</th><th>Trạng thái</th><th>Phê duyệt</th><th>Đã gửi lúc</th><th>Số lần thử</th><th>Lỗi gần nhất</th></tr>");
        var ordered = rows.Where(r => r.NeedsAttention).OrderBy(r => r.DueAt)
            .Concat(rows.Where(r => r.Status == "sent").OrderByDescending(r => r.DueAt))
            .Concat(rows.Where(r => r.Status == DeliveryStanding.NotDue).OrderBy(r => r.DueAt))
            .Concat(rows.Where(r => !r.NeedsAttention && r.Status is not ("sent" or DeliveryStanding.NotDue)));
        foreach (var row in ordered)
        {
            var css = row.Status switch { "pending" => "pending-delivery", DeliveryStanding.NotSent or DeliveryLedger.AwaitingApproval => "failed", DeliveryStanding.NotDue => "pending", var other => other };
            var approval = approvals.For(row.PlanId, row.Period);
            body.Append($"<tr data-plan=\"{E(row.PlanId)}\" data-period=\"{E(row.Period)}\" data-channel=\"{E(row.Channel)}\" data-status=\"{E(row.Status)}\" data-approval=\"{E(approval.State)}\"><td>{E(row.PlanId)}</td><td>{E(row.Period)}</td><td>{E(row.Channel)}</td><td>{E(row.Recipient)}</td><td>{Local(row.DueAt)}</td><td class=\"{css}\">{E(DeliveryLabel(row.Status))}</td><td class=\"approval\">{E(ApprovalLabel(approval))}</td><td>{Local(row.SentAt)}</td><td class=\"num\">{E(row.Attempts)}</td><td>{E(row.LastError)}</td></tr>");
        }
        body.Append("</table>");
        return Page("Sổ gửi báo cáo", "/deliveries", body.ToString());
    }

    public static string DeliveryLabel(string status) => status switch
    {
        "sent" => "Đã gửi (sent)",
        "pending" => "Chờ gửi lại (pending)",
        "sending" => "Đang gửi (sending)",
        "failed" => "Thất bại (failed)",
        DeliveryStanding.NotSent => "Đến hạn, chưa gửi (not sent)",
        DeliveryStanding.NotDue => "Chưa đến hạn (not due yet)",
        DeliveryLedger.AwaitingApproval => "Chờ phê duyệt, chưa gửi (awaiting approval)",
        _ => status,
    };

    private static string HealthLabel(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "Bình thường (Healthy)",
        HealthStatus.Degraded => "Suy giảm (Degraded)",
        _ => "Lỗi (Unhealthy)",
    };

    private static string CheckLabel(string name) => name switch
    {
        "masstransit-bus" => "Kết nối hàng đợi (masstransit-bus)",
        "sqlite" => "Cơ sở dữ liệu (sqlite)",
        "scheduler" => "Bộ hẹn giờ (scheduler)",
        "smtp" => "Máy chủ thư (smtp)",
        _ => name,
    };

    /// <summary>Each check's detail in Vietnamese, the technical word beside it; MassTransit's own text follows for the bus.</summary>
    private string HealthDetail(string name, HealthReportEntry entry)
    {
        var detail = entry.Description ?? entry.Exception?.Message;
        if (name != "masstransit-bus") return detail ?? "";
        var transport = string.Equals(options.Transport, "RabbitMq", StringComparison.OrdinalIgnoreCase) ? "RabbitMQ" : "in-memory bus";
        var said = entry.Status == HealthStatus.Healthy ? $"Đã kết nối ({transport})" : $"Không kết nối được ({transport})";
        return detail is null ? said : $"{said}: {Wiring.Secrets.MaskUri(detail)}";
    }

    public string Rejections()
    {
        IReadOnlyList<RejectionGroupRow> groups;
        IReadOnlyList<RejectionRow> recent;
        using (var connection = database.Open())
        {
            var queries = new OperationsQueries(connection);
            groups = queries.RejectionsByReason();
            recent = queries.RecentRejections(200);
        }
        var body = new StringBuilder("<table id=\"rejection-reasons\"><tr><th>Mã lý do (reason)</th><th>Số cập nhật</th><th>Gần nhất</th><th>Ví dụ</th></tr>");
        foreach (var group in groups)
            body.Append($"<tr><td><code>{E(group.Code)}</code></td><td class=\"num\">{E(group.Count)}</td><td>{Local(group.LastReceivedAt)}</td><td>{E(group.Example)}</td></tr>");
        body.Append("</table><h2>Các cập nhật bị từ chối gần nhất (tối đa 200)</h2><table id=\"rejections\"><tr><th>Nhận lúc</th><th>Mã tin (message id)</th><th>Kế hoạch</th><th>Bộ phận</th><th>Kỳ</th><th>Tài khoản gửi (broker user)</th><th>Lý do</th></tr>");
        foreach (var row in recent)
        {
            var reasons = (JsonNode.Parse(row.ReasonsJson) as JsonArray ?? [])
                .Select(r => $"<li><code>{E((string?)r?["code"])}</code> {E((string?)r?["field"])}: {E((string?)r?["message"])}</li>");
            body.Append($"<tr><td>{Local(row.ReceivedAt)}</td><td><code>{E(row.MessageId)}</code></td><td>{E(row.PlanId)}</td><td>{E(row.Department)}</td><td>{E(row.Period)}</td><td>{E(row.TransportUser)}</td><td><ul>{string.Concat(reasons)}</ul>{(row.StoredLater ? "<p class=\"stored-later\">Đã lưu sau đó (stored later): không còn gì phải xử lý.</p>" : "")}</td></tr>");
        }
        body.Append("</table>");
        return Page("Cập nhật bị từ chối", "/rejections", body.ToString());
    }

    /// <param name="requestToken">The antiforgery token every action form carries (IAntiforgery, for this request).</param>
    public async Task<string> ErrorsAsync(string? done, string? requestToken, CancellationToken cancellationToken)
    {
        var body = new StringBuilder();
        // The page's token, once, also when the queue is empty and there is no form (a script or a test posts with it).
        body.Append($"<template id=\"antiforgery\">{Portal.PortalPages.Token(requestToken)}</template>");
        if (done is not null) body.Append($"<p class=\"done\" id=\"done\">{E(done)}</p>");
        if (!errors.IsAvailable)
        {
            body.Append("<p class=\"notice\" id=\"unavailable\">Hàng đợi lỗi chỉ có khi hub dùng RabbitMQ (Hub:Transport=RabbitMq). The error queue is only available with RabbitMQ; on the in-memory bus a failed update is recorded as a rejection.</p>");
        }
        else
        {
            var view = await errors.BrowseAsync(cancellationToken);
            if (view.Error is not null) body.Append($"<p class=\"notice\">Không đọc được hàng đợi {E(ErrorQueueBroker.ErrorQueue)}: {E(view.Error)}</p>");
            body.Append($"<p>Queue <code>{E(ErrorQueueBroker.ErrorQueue)}</code>: <strong id=\"error-count\">{E(view.Total)}</strong> tin nhắn, nhóm theo nguyên nhân. Re-drive = chuyển lại về <code>{E(ErrorQueueBroker.InputQueue)}</code> để xử lý lại; Discard = bỏ hẳn. Mỗi thao tác cần tài khoản vận hành (operator) và được ghi nhật ký.</p>");
            if (!access.IsConfigured) body.Append("<p class=\"notice\">Chưa cấu hình tài khoản vận hành (Hub:Http:Operator:User / Password): không thể thao tác.</p>");
            foreach (var group in view.Groups)
            {
                body.Append($"<div class=\"group\" id=\"group-{E(group.Key)}\"><p><strong>{E(group.Messages.Count)} tin</strong> — lý do <code>{E(group.Reason)}</code>, ngoại lệ <code>{E(group.ExceptionType)}</code>: {E(group.FaultMessage)}</p>");
                body.Append(ActionForm("redrive", "group", group.Key, "Re-drive cả nhóm", requestToken)).Append(' ').Append(ActionForm("discard", "group", group.Key, "Discard cả nhóm", requestToken));
                body.Append("<table><tr><th>Mã tin (message id)</th><th>Tài khoản gửi</th><th>Lỗi lúc</th><th>Nội dung (đầu)</th><th>Thao tác</th></tr>");
                foreach (var message in group.Messages)
                    body.Append($"<tr data-message=\"{E(message.Key)}\"><td><code>{E(message.Key)}</code></td><td>{E(message.TransportUser)}</td><td>{E(FaultTime(message.FaultAt))}</td><td><pre>{E(message.BodyPreview)}</pre></td><td>{ActionForm("redrive", "message", message.Key, "Re-drive", requestToken)} {ActionForm("discard", "message", message.Key, "Discard", requestToken)}</td></tr>");
                body.Append("</table></div>");
            }
            if (view.Total == 0 && view.Error is null) body.Append("<p id=\"empty\">Không có tin nhắn lỗi.</p>");
        }
        IReadOnlyList<OperatorActionRow> actions;
        using (var connection = database.Open()) actions = new OperationsQueries(connection).RecentActions(20);
        body.Append("<h2>Nhật ký thao tác (audit log)</h2><table id=\"audit\"><tr><th>Lúc</th><th>Người vận hành</th><th>Từ địa chỉ</th><th>Thao tác</th><th>Đối tượng</th><th>Số tin</th><th>Chi tiết</th></tr>");
        foreach (var action in actions)
            body.Append($"<tr><td>{Local(action.At)}</td><td>{E(action.Operator)}</td><td>{E(action.RemoteAddress)}</td><td>{E(action.Action)}</td><td><code>{E(action.Target)}</code></td><td class=\"num\">{E(action.Messages)}</td><td>{E(action.Detail)}</td></tr>");
        body.Append("</table>");
        return Page("Hàng đợi lỗi (Error queue)", "/errors", body.ToString());
    }

    private static string ActionForm(string action, string field, string key, string label, string? requestToken) =>
        $"<form class=\"inline\" method=\"post\" action=\"/errors/{action}\">{Portal.PortalPages.Token(requestToken)}<input type=\"hidden\" name=\"{field}\" value=\"{E(key)}\"><button type=\"submit\" class=\"{action}\" data-{action}-{field}=\"{E(key)}\">{E(label)}</button></form>";

    private static string? FaultTime(string? text) =>
        DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? Local(at) : text;

    private static string StatusLabel(string status) => status switch
    {
        "on_time" => "Đúng hạn",
        "late" => "Trễ hạn",
        "missing" => "Chưa nộp",
        SubmissionMatrix.Pending => "Chưa đến hạn",
        SubmissionMatrix.Returned => "Trả lại",
        _ => status,
    };
}
