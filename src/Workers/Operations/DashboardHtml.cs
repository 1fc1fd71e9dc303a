using System.Globalization;
using System.Net;
using System.Text;
using ChuyenDoiSo.Reporting.Storage;

namespace ChuyenDoiSo.Workers.Operations;

/// <summary>The dashboard's shell and helpers: server-rendered HTML, every value HTML-encoded, no scripts.</summary>
public static class DashboardHtml
{
    public static readonly (string Path, string Label)[] Navigation =
    [
        ("/", "Tổng quan"),
        ("/matrix", "Ma trận nộp báo cáo"),
        ("/plan", "Kế hoạch"),
        ("/deliveries", "Sổ gửi báo cáo"),
        ("/rejections", "Cập nhật bị từ chối"),
        ("/errors", "Hàng đợi lỗi (Error queue)"),
        // The office's and the signer's pages, behind their own login (users add), not the operator's.
        ("/review", "Rà soát, phê duyệt"),
    ];

    /// <summary>HTML-encodes a value; null shows as a dash.</summary>
    public static string E(string? value) => value is null ? "—" : Encode(value);

    /// <summary>
    /// Text for a dashboard page: markup characters encoded, and a control character (a department may send one) shown as
    /// its code, \u0001, never written raw into the page (the portal's HtmlEncoder writes it as a character reference).
    /// </summary>
    private static string Encode(string text)
    {
        if (text.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r')))
            text = string.Concat(text.Select(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r') ? $"\\u{(int)c:x4}" : c.ToString()));
        return WebUtility.HtmlEncode(text);
    }

    public static string E(long value) => value.ToString("N0", Vietnamese);

    public static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");

    /// <summary>An instant in the hub's time zone, dd/MM/yyyy HH:mm.</summary>
    public static string Local(DateTimeOffset? instant) =>
        instant is { } i ? HubTime.LocalDateTime(i).ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture) : "—";

    public static string Day(DateOnly date) => date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero) return "đã qua";
        if (span.TotalDays >= 1) return $"{(int)span.TotalDays} ngày {span.Hours} giờ";
        return span.TotalHours >= 1 ? $"{(int)span.TotalHours} giờ {span.Minutes} phút" : $"{span.Minutes} phút";
    }

    public static string Page(string title, string path, string body) =>
        Page(title, path, body, Navigation, "ChuyenDoiSo reporting hub — bảng điều khiển vận hành (operations dashboard)");

    /// <summary>The same shell with another menu and subtitle (the review pages of the office and the signer).</summary>
    public static string Page(string title, string path, string body, IReadOnlyList<(string Path, string Label)> navigation, string subtitle, string? aside = null)
    {
        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="vi">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{E(title)}} — Chuyển đổi số</title>
            <style>
            body { font-family: "Segoe UI", "Noto Sans", Arial, sans-serif; margin: 0; color: #1d2733; background: #f4f6f8; }
            header { background: #a5161d; color: #fff; padding: 10px 20px; }
            header h1 { margin: 0; font-size: 20px; }
            header small { opacity: .85; }
            nav { background: #fff; border-bottom: 1px solid #d0d7de; padding: 0 20px; }
            nav a { display: inline-block; padding: 10px 12px; color: #1d2733; text-decoration: none; border-bottom: 3px solid transparent; }
            nav a.active { border-bottom-color: #a5161d; font-weight: 600; }
            main { padding: 16px 20px; }
            h2 { font-size: 18px; margin: 18px 0 8px; }
            table { border-collapse: collapse; background: #fff; margin-bottom: 12px; font-size: 14px; }
            th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
            th { background: #eef1f4; }
            td.num { text-align: right; }
            .on_time { background: #cfeedd; color: #14532d; }
            .late { background: #fde2b8; color: #7c2d12; }
            .missing { background: #f8c9c9; color: #7f1d1d; }
            .pending { background: #e4e9f2; color: #334155; }
            .Healthy, .sent { color: #14532d; font-weight: 600; }
            .Degraded, .pending-delivery, .sending { color: #9a3412; font-weight: 600; }
            .Unhealthy, .failed { color: #b91c1c; font-weight: 600; }
            .notice { background: #fff8e1; border: 1px solid #f0c36d; padding: 8px 12px; margin: 8px 0; }
            .done { background: #e7f6ec; border: 1px solid #7cc896; padding: 8px 12px; margin: 8px 0; }
            .group { background: #fff; border: 1px solid #d0d7de; padding: 8px 12px; margin-bottom: 12px; }
            form.inline { display: inline; }
            button { cursor: pointer; padding: 3px 10px; }
            button.redrive { background: #1f6feb; color: #fff; border: 1px solid #1a5fd0; }
            button.discard { background: #fff; color: #b91c1c; border: 1px solid #b91c1c; }
            code, pre { font-size: 12px; }
            pre { white-space: pre-wrap; max-width: 60em; margin: 0; }
            td ul { margin: 0; padding-left: 1.2em; }
            .legend span { display: inline-block; padding: 2px 8px; margin-right: 6px; border: 1px solid #d0d7de; }
            .review { display: grid; grid-template-columns: minmax(0, 3fr) minmax(24rem, 2fr); gap: 16px; align-items: start; }
            .review iframe { width: 100%; height: 1200px; border: 1px solid #d0d7de; background: #fff; }
            .review textarea { width: 100%; min-height: 5em; font: inherit; box-sizing: border-box; }
            .review input[type=text], .review input[type=password] { width: 100%; box-sizing: border-box; padding: 4px; }
            .watermark { color: #a5161d; font-weight: 700; letter-spacing: .1em; margin: 0 0 6px; }
            .panel { background: #fff; border: 1px solid #d0d7de; padding: 8px 12px; margin-bottom: 12px; }
            .panel h3 { font-size: 16px; margin: 4px 0 8px; }
            .returned { background: #fde2b8; color: #7c2d12; }
            .state-approved { color: #14532d; font-weight: 700; } .state-ready { color: #1f6feb; font-weight: 700; } .state-draft { color: #9a3412; font-weight: 700; }
            header .who { float: right; } header .who form { display: inline; } header .who button { background: none; border: 0; color: #fff; text-decoration: underline; }
            </style>
            </head>
            <body>
            <header>{{aside}}<h1>Trung tâm báo cáo chuyển đổi số</h1><small>{{E(subtitle)}}</small></header>
            <nav>
            """);
        foreach (var (href, label) in navigation)
            html.Append($"""<a href="{href}"{(href == path ? " class=\"active\"" : "")}>{E(label)}</a>""");
        html.Append("</nav>\n<main>\n<h2>").Append(E(title)).Append("</h2>\n").Append(body).Append("\n</main>\n</body>\n</html>\n");
        return html.ToString();
    }
}
