using System.Globalization;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Render;

namespace ChuyenDoiSo.Reporting.Rollup;

/// <summary>
/// A roll-up laid out as an official document issued by the higher body (Decree 30/2020): the same header, title,
/// signature block and "Nơi nhận" as a commune's report, so DocxReportRenderer and HtmlReportRenderer print it as they
/// print a commune's. Pure: a function of the report and the options.
/// </summary>
public static class RollupDocument
{
    /// <summary>Names of communes that did not meet their target, printed per indicator before "và N xã khác".</summary>
    public const int NamesPerCell = 10;

    public static ReportDocument Build(RollupReport report, RenderOptions options)
    {
        var body = report.Body;
        var periodText = ReportText.PeriodText(report.Period.Communes);
        var blocks = new List<ReportBlock>();
        var section = 0;
        string Heading(string text) => $"{ReportText.Roman(++section)}. {text}";
        int Count(string status) => report.Communes.Count(c => c.Status == status);

        blocks.Add(new ReportParagraph(
            $"Trên cơ sở báo cáo của các xã, phường (số liệu tính từ ngày {ReportText.Date(report.Period.Communes.WindowStart)} đến ngày " +
            $"{ReportText.Date(report.Period.Communes.CutOff)}), {body.Name} tổng hợp kết quả thực hiện Kế hoạch chuyển đổi số {periodText} như sau:"));

        blocks.Add(new ReportHeading(Heading("TÌNH HÌNH BÁO CÁO CỦA CÁC XÃ, PHƯỜNG")));
        blocks.Add(new ReportParagraph(
            $"Hạn gửi báo cáo của các xã, phường: ngày {ReportText.Date(report.Period.Communes.AdjustedDueDate)}. Trong {report.Communes.Count} xã, phường: " +
            $"{Count(SubmissionStatus.OnTime)} báo cáo đúng hạn, {Count(SubmissionStatus.Late)} báo cáo trễ hạn, {Count(SubmissionStatus.Missing)} chưa báo cáo."));
        blocks.Add(CommuneTable(report));

        blocks.Add(new ReportHeading(Heading("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU")));
        var sub = 0;
        blocks.Add(new ReportSubheading($"{++sub}. Tổng hợp theo danh mục chỉ tiêu dùng chung"));
        blocks.Add(new ReportParagraph(
            $"Tổng hợp {report.Indicators.Count} chỉ tiêu theo danh mục chỉ tiêu dùng chung. Chỉ tiêu tỷ lệ được tính từ tổng tử số và tổng mẫu số " +
            "của các xã có báo cáo số liệu, không lấy bình quân tỷ lệ của các xã; chỉ tiêu số lượng được cộng dồn. Mỗi xã được đánh giá theo mục tiêu trong kế hoạch của xã."));
        blocks.Add(IndicatorTable(report));
        blocks.Add(new ReportSubheading($"{++sub}. Số liệu của từng xã, phường"));
        if (report.Indicators.All(i => i.Values.Count == 0))
            blocks.Add(new ReportParagraph("Chưa có số liệu của xã, phường nào."));
        else
            blocks.Add(DetailTable(report));

        blocks.Add(new ReportHeading(Heading("KHÓ KHĂN, VƯỚNG MẮC")));
        blocks.AddRange(Narratives(report, "difficulties"));
        blocks.Add(new ReportHeading(Heading("KIẾN NGHỊ, ĐỀ XUẤT")));
        blocks.AddRange(Narratives(report, "proposals"));

        if (report.Warnings.Count > 0)
        {
            blocks.Add(new ReportParagraph("Ghi chú về chất lượng số liệu:", Italic: true));
            blocks.Add(new ReportList(report.Warnings.Select(w => w.Message).ToList(), Italic: true));
        }
        blocks.Add(new ReportParagraph(
            $"Trên đây là báo cáo tổng hợp kết quả thực hiện Kế hoạch chuyển đổi số {periodText} của các xã, phường; " +
            $"{body.Name} kính báo cáo {body.HigherLevel.Name}./."));
        blocks.AddRange(options.IssueBlocks());

        return new ReportDocument
        {
            IssuingBody = body.IssuingBody.ToUpperInvariant(),
            IssuingUnit = body.IssuingUnit.ToUpperInvariant(),
            NumberLine = ReportText.NumberLine(options.Number, "/" + body.DocumentCode),
            Nation = ReportText.Nation,
            Motto = ReportText.Motto,
            PlaceAndDate = ReportText.PlaceAndDate(body.Place, options.IssueDate),
            Title = ReportText.Title,
            Subject = Subject(report),
            Body = blocks,
            RecipientsHeading = ReportText.RecipientsHeading,
            Recipients = body.Recipients.Where(r => !string.IsNullOrWhiteSpace(r)).Select(ReportText.Recipient).ToList(),
            SignerAuthority = ReportText.AuthorityLines(body.Signer),
            SignerTitle = body.Signer.Title.ToUpperInvariant(),
            SignerName = body.Signer.Name,
        };
    }

    /// <summary>"Tổng hợp kết quả thực hiện chuyển đổi số quý I năm 2026 của các xã, phường".</summary>
    public static string Subject(RollupReport report) =>
        $"Tổng hợp kết quả thực hiện chuyển đổi số {ReportText.PeriodText(report.Period.Communes)} của các xã, phường";


    private static ReportTable CommuneTable(RollupReport report)
    {
        ReportColumn[] columns =
        [
            new("TT", 600, CellAlign.Center),
            new("Xã, phường", 4255),
            new("Tình trạng", 1700, CellAlign.Center),
            new("Ngày nhận báo cáo", 1700, CellAlign.Center),
            new("Số lần gửi", 1100, CellAlign.Center),
        ];
        var rows = report.Communes.Select((c, i) => new ReportRow(
        [
            (i + 1).ToString(CultureInfo.InvariantCulture),
            c.Commune,
            ReportText.SubmissionStatus(c.Status),
            c.FirstReceivedAt is { } at ? ReportText.Date(ReportText.VietnamDate(at)) : ReportText.Missing,
            c.Sends.ToString(CultureInfo.InvariantCulture),
        ])).ToList();
        return new ReportTable(columns, rows);
    }

    private static ReportTable IndicatorTable(RollupReport report)
    {
        ReportColumn[] columns =
        [
            new("TT", 500, CellAlign.Center),
            new("Chỉ tiêu", 2855),
            new("Đơn vị", 700, CellAlign.Center),
            new("Kết quả chung", 950, CellAlign.Center),
            new("Tử số / mẫu số", 1250, CellAlign.Center),
            new("Số xã báo cáo", 900, CellAlign.Center),
            new("Số xã đạt mục tiêu", 900, CellAlign.Center),
            new("Xã chưa đạt", 1300),
        ];
        var rows = new List<ReportRow>();
        var number = 0;
        var groupNumber = 0;
        foreach (var group in report.Indicators.GroupBy(i => i.Indicator.Group))
        {
            rows.Add(new ReportRow([$"{ReportText.Roman(++groupNumber)}. {group.Key}"], IsGroup: true));
            foreach (var indicator in group)
            {
                var value = ReportText.Number(indicator.Value) + (indicator.Value is not null && indicator.Indicator.Unit.Trim() == "%" ? "%" : "");
                if (indicator.WithoutCounts.Count > 0) value += $"\n(chưa gồm {indicator.WithoutCounts.Count} xã không có số liệu)";
                var notMet = indicator.NotMet;
                rows.Add(new ReportRow(
                [
                    (++number).ToString(CultureInfo.InvariantCulture),
                    indicator.Indicator.Name,
                    indicator.Indicator.Unit,
                    value,
                    indicator.Numerator is { } n && indicator.Denominator is { } d ? $"{ReportText.Number(n)} / {ReportText.Number(d)}" : ReportText.Missing,
                    $"{indicator.Reporting}/{indicator.Mapped}",
                    indicator.Reporting == 0 ? ReportText.Missing : indicator.Met.ToString(CultureInfo.InvariantCulture),
                    notMet.Count == 0 ? ReportText.Missing : Names(notMet.Select(v => v.Commune).ToList()),
                ]));
            }
        }
        return new ReportTable(columns, rows);
    }

    private static ReportTable DetailTable(RollupReport report)
    {
        ReportColumn[] columns =
        [
            new("TT", 500, CellAlign.Center),
            new("Xã, phường", 3055),
            new("Mã chỉ tiêu trong kế hoạch", 1100, CellAlign.Center),
            new("Mục tiêu", 1200, CellAlign.Center),
            new("Kết quả", 1100, CellAlign.Center),
            new("Tử số / mẫu số", 1400, CellAlign.Center),
            new("Đánh giá", 1000, CellAlign.Center),
        ];
        var rows = new List<ReportRow>();
        var number = 0;
        foreach (var indicator in report.Indicators.Where(i => i.Values.Count > 0))
        {
            rows.Add(new ReportRow([$"{++number}. {indicator.Indicator.Name}"], IsGroup: true));
            var percent = indicator.Indicator.Unit.Trim() == "%";
            var line = 0;
            foreach (var value in indicator.Values)
            {
                var target = value.Target is { } t ? ReportText.Target(new IndicatorTarget { Op = t.Op, Value = t.Value }, indicator.Indicator.Unit) : ReportText.Missing;
                rows.Add(new ReportRow(
                [
                    (++line).ToString(CultureInfo.InvariantCulture),
                    value.Commune,
                    value.Code,
                    target,
                    ReportText.Number(value.Value) + (value.Value is not null && percent ? "%" : ""),
                    value.Numerator is { } n && value.Denominator is { } d ? $"{ReportText.Number(n)} / {ReportText.Number(d)}" : "không có số liệu",
                    ReportText.Achievement(value.Achieved),
                ]));
            }
        }
        return new ReportTable(columns, rows);
    }

    private static IEnumerable<ReportBlock> Narratives(RollupReport report, string section)
    {
        var blocks = new List<ReportBlock>();
        foreach (var commune in report.Narratives.Where(n => n.Section == section).GroupBy(n => n.CommuneId))
        {
            var texts = commune.Select(n => n.Text).ToList();
            blocks.Add(new ReportParagraph(texts[0], Lead: $"{commune.First().Commune}: "));
            blocks.AddRange(texts.Skip(1).Select(t => new ReportParagraph(t)));
        }
        return blocks.Count > 0 ? blocks : [new ReportParagraph(ReportText.None)];
    }

    private static string Names(IReadOnlyList<string> names) =>
        names.Count <= NamesPerCell ? string.Join("; ", names) : $"{string.Join("; ", names.Take(NamesPerCell))} và {names.Count - NamesPerCell} xã khác";
}
