using System.Text.Json;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Storage;
using Dapper;

namespace ChuyenDoiSo.Reporting.Tests.Compile;

// Hand-made updates with known numbers go through IngestStore into a real SQLite file, then are compiled.
// 2026 default calendar (worked out by hand, see ReportingCalendarTests): reports 2026-01 (cut-off 11/1),
// 2026-02 (11/2), 2026-Q1 (4/3, due Thu 5/3), 2026-04, 2026-05, 2026-H1 (4/6, due Fri 5/6), …, 2026-08, 2026-9M
// (due Sat 5/9, adjusted Mon 7/9). Q1's window holds 2026-01, 2026-02 and 2026-Q1; H1's adds 2026-04, 05 and H1.
public sealed class ReportCompilerTests : IDisposable
{
    private static readonly PlanCatalog Seeds = PlanCatalog.LoadFolder(TestPaths.Seeds);
    private static readonly Plan BinhChuong = Seeds.Find("binh-chuong-2026")!;

    /// <summary>
    /// binh-chuong-2026 has only ratio and latest indicators, so the arithmetic runs on a small plan: S a flow (sum),
    /// L a stock (latest), R a rate (ratio). A leads S, R and the all-year task T1; B leads L; C leads only T2,
    /// active in quarter II; D leads nothing and coordinates S.
    /// </summary>
    private static readonly Plan Small = new()
    {
        Id = "thu-nghiem-2026",
        Year = 2026,
        Commune = new Commune { Name = "Thử Nghiệm", Kind = "xã", Province = "Quảng Ngãi" },
        HigherLevel = new HigherLevel { Name = "Sở Khoa học và Công nghệ", Email = "skhcn@example.test" },
        Document = new PlanDocument { Number = "1/KH-UBND", Title = "Kế hoạch thử nghiệm" },
        Signer = new Signer { Authority = "TM. ỦY BAN NHÂN DÂN", Title = "CHỦ TỊCH", Name = "Nguyễn Văn B" },
        Departments =
        [
            new Department { Code = "A", Name = "Bộ phận A", Email = "a@example.test" },
            new Department { Code = "B", Name = "Bộ phận B", Email = "b@example.test" },
            new Department { Code = "C", Name = "Bộ phận C", Email = "c@example.test" },
            new Department { Code = "D", Name = "Bộ phận D", Email = "d@example.test" },
        ],
        Indicators =
        [
            new Indicator { Code = "S", Group = "Chính quyền số", Name = "Số hồ sơ tiếp nhận", Unit = "hồ sơ", Target = new IndicatorTarget { Op = ">=", Value = 100 }, Aggregation = "sum", Lead = "A", Coordinators = ["D"] },
            new Indicator { Code = "L", Group = "Hạ tầng số", Name = "Số hệ thống dùng chung", Unit = "hệ thống", Target = new IndicatorTarget { Op = ">=", Value = 3 }, Aggregation = "latest", Lead = "B" },
            new Indicator { Code = "R", Group = "Chính quyền số", Name = "Tỷ lệ hồ sơ trực tuyến", Unit = "%", Target = new IndicatorTarget { Op = ">=", Value = 80 }, Aggregation = "ratio", Lead = "A" },
        ],
        Tasks =
        [
            new PlanTask { Code = "T1", Name = "Nhiệm vụ cả năm", Lead = "A", Timeframe = "Năm 2026" },
            new PlanTask { Code = "T2", Name = "Nhiệm vụ quý II", Lead = "C", Timeframe = "Quý II năm 2026" },
        ],
    };

    private static readonly PlanCatalog SmallCatalog = new([Small], HolidayCalendar.WeekendsOnly);

    private readonly TestDatabase _db = new();
    private readonly IngestStore _store;
    private int _messages;

    public ReportCompilerTests() => _store = new IngestStore(_db.Database);

    public void Dispose() => _db.Dispose();

    /// <summary>10:00 (or the given hour) local time in Hà Nội on a 2026 date, as an instant with +07:00.</summary>
    private static DateTimeOffset Local(int month, int day, int hour = 10, int minute = 0) =>
        HubTime.At(new DateOnly(2026, month, day), new TimeOnly(hour, minute));

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    private static IndicatorValue V(string code, decimal value) => new() { Code = code, Value = value };

    private static IndicatorValue Counts(string code, decimal numerator, decimal denominator, decimal? stated = null) =>
        new() { Code = code, Numerator = numerator, Denominator = denominator, Value = stated };

    /// <summary>Validates and stores one update, failing the test if it is not accepted: the data here is meant to be valid.</summary>
    private long Send(
        PlanCatalog catalog, Plan plan, string department, string period, DateTimeOffset receivedAt,
        IndicatorValue[]? indicators = null, TaskProgress[]? tasks = null, StatisticValue[]? statistics = null, Narrative? narrative = null)
    {
        var message = new DepartmentReportSubmitted
        {
            MessageId = new Guid(0x0c0e0000 + ++_messages, 0, 0x4000, 0x80, 0, 0, 0, 0, 0, 0, 0),
            PlanId = plan.Id,
            Department = department,
            Period = period,
            SubmittedAt = receivedAt.AddHours(-1),
            SubmittedBy = $"Cán bộ {department}",
            Indicators = indicators ?? [],
            Tasks = tasks ?? [],
            Statistics = statistics ?? [],
            Narrative = narrative,
        };
        var reasons = SubmissionValidator.Validate(message, catalog);
        Assert.Empty(reasons);
        var result = _store.Store(new IncomingSubmission(message, message.MessageId, JsonSerializer.Serialize(message, PlanJson.Options), receivedAt, null, reasons));
        Assert.Equal(IngestOutcome.Accepted, result.Outcome);
        return result.SubmissionId!.Value;
    }

    private long SendSmall(string department, string period, DateTimeOffset receivedAt, params IndicatorValue[] indicators) =>
        Send(SmallCatalog, Small, department, period, receivedAt, indicators);

    private CompiledReport Compile(PlanCatalog catalog, Plan plan, string period)
    {
        using var connection = _db.Open();
        return ReportCompiler.Compile(connection, catalog, plan, period);
    }

    private static IndicatorResult Indicator(CompiledReport report, string code) => Assert.Single(report.Indicators, i => i.Indicator.Code == code);

    private static SubmissionResult Submission(CompiledReport report, string department) => Assert.Single(report.Submissions, s => s.Department.Code == department);

    // ---- arithmetic on the small plan ----

    [Fact]
    public void Compile_sumsFlowOverJanuaryFebruaryAndQuarter_forQ1()
    {
        SendSmall("A", "2026-01", Local(1, 10), V("S", 10));
        SendSmall("A", "2026-02", Local(2, 10), V("S", 20));
        SendSmall("A", "2026-Q1", Local(3, 3), V("S", 30));
        SendSmall("D", "2026-Q1", Local(3, 3), V("S", 5)); // a coordinator's increment adds up too
        SendSmall("A", "2026-04", Local(4, 10), V("S", 1000)); // after the Q1 window

        var q1 = Compile(SmallCatalog, Small, "2026-Q1");

        var s = Indicator(q1, "S");
        Assert.Equal(65m, s.Value);
        Assert.Equal(Achievement.No, s.Achieved);
        Assert.Equal(20m, Indicator(Compile(SmallCatalog, Small, "2026-02"), "S").Value); // a monthly report is its own increment
    }

    [Fact]
    public void Compile_sumsEveryIncrementOfTheHalfYear_forH1()
    {
        foreach (var (period, day) in new[] { ("2026-01", Local(1, 10)), ("2026-02", Local(2, 10)), ("2026-Q1", Local(3, 3)), ("2026-04", Local(4, 10)), ("2026-05", Local(5, 10)), ("2026-H1", Local(6, 3)) })
            SendSmall("A", period, day, V("S", 20));
        SendSmall("A", "2026-07", Local(7, 10), V("S", 999));

        var h1 = Compile(SmallCatalog, Small, "2026-H1");

        Assert.Equal(120m, Indicator(h1, "S").Value);
        Assert.Equal(Achievement.Yes, Indicator(h1, "S").Achieved);
    }

    [Fact]
    public void Compile_takesValueOfLatestPeriod_forStock()
    {
        SendSmall("B", "2026-02", Local(2, 10), V("L", 2));
        SendSmall("B", "2026-Q1", Local(3, 3), V("L", 3));
        SendSmall("B", "2026-01", Local(3, 4), V("L", 1)); // January's update arrives last, but is the oldest figure

        var q1 = Compile(SmallCatalog, Small, "2026-Q1");

        Assert.Equal(3m, Indicator(q1, "L").Value);
        Assert.Equal(Achievement.Yes, Indicator(q1, "L").Achieved);
        Assert.Equal(3m, Indicator(Compile(SmallCatalog, Small, "2026-04"), "L").PreviousValue);
        Assert.Null(Indicator(Compile(SmallCatalog, Small, "2026-04"), "L").Value);
    }

    [Fact]
    public void Compile_computesRateFromSummedCounts_notAverageOfRates_forRatio()
    {
        SendSmall("A", "2026-01", Local(1, 10), Counts("R", 1, 2));
        SendSmall("A", "2026-Q1", Local(3, 3), Counts("R", 99, 100));

        var r = Indicator(Compile(SmallCatalog, Small, "2026-Q1"), "R");

        Assert.Equal((98.04m, 100m, 102m), (r.Value, r.Numerator, r.Denominator));
        Assert.Equal(Achievement.Yes, r.Achieved);
    }

    [Fact]
    public void Compile_givesPreviousReportsValue_asPreviousValue()
    {
        SendSmall("A", "2026-01", Local(1, 10), V("S", 10));
        SendSmall("A", "2026-02", Local(2, 10), V("S", 20));
        SendSmall("A", "2026-Q1", Local(3, 3), V("S", 30));
        SendSmall("A", "2026-04", Local(4, 10), V("S", 7));

        var q1 = Compile(SmallCatalog, Small, "2026-Q1");
        var april = Compile(SmallCatalog, Small, "2026-04");

        Assert.Equal("2026-02", q1.PreviousPeriod.Period);
        Assert.Equal((60m, 20m), (Indicator(q1, "S").Value, Indicator(q1, "S").PreviousValue)); // the February report's value
        Assert.Equal("2026-Q1", april.PreviousPeriod.Period);
        Assert.Equal((7m, 60m), (Indicator(april, "S").Value, Indicator(april, "S").PreviousValue)); // the Q1 report's value
        Assert.Null(Indicator(Compile(SmallCatalog, Small, "2026-01"), "S").PreviousValue); // nothing for 2025-FY
    }

    [Fact]
    public void Compile_givesNotReported_forIndicatorWithoutValues()
    {
        SendSmall("A", "2026-Q1", Local(3, 3), V("S", 30));

        var l = Indicator(Compile(SmallCatalog, Small, "2026-Q1"), "L");

        Assert.Equal((null, null, Achievement.NotReported), (l.Value, l.PreviousValue, l.Achieved));
    }

    // ---- supersession ----

    [Fact]
    public void Compile_usesNewestUpdateOfDepartmentAndPeriod_andKeepsBothRows()
    {
        SendSmall("A", "2026-02", Local(2, 9), V("S", 10), Counts("R", 1, 2));
        SendSmall("A", "2026-02", Local(2, 10), V("S", 12)); // the correction: a whole new update, without R

        var february = Compile(SmallCatalog, Small, "2026-02");

        Assert.Equal(12m, Indicator(february, "S").Value);
        Assert.Null(Indicator(february, "R").Value);
        Assert.Equal(12m, Indicator(Compile(SmallCatalog, Small, "2026-Q1"), "S").Value);
        using var connection = _db.Open();
        Assert.Equal(2L, connection.ExecuteScalar<long>("SELECT COUNT(*) FROM submissions WHERE department = 'A' AND period = '2026-02'"));
        Assert.Equal(3L, connection.ExecuteScalar<long>("SELECT COUNT(*) FROM submissions, json_each(submissions.indicators_json)"));
    }

    [Fact]
    public void Compile_decidesSupersessionByHubReceiveTime_notByStorageOrder()
    {
        // A paper report entered afterwards with its real (earlier) arrival time must not replace the newer update.
        // The two instants carry different offsets on purpose: ordering must be by instant.
        SendSmall("A", "2026-02", Utc(2, 10, 2), V("S", 12)); // 09:00 local on 10/2
        SendSmall("A", "2026-02", Local(2, 10, 8), V("S", 10)); // 08:00 local on 10/2, stored second

        Assert.Equal(12m, Indicator(Compile(SmallCatalog, Small, "2026-02"), "S").Value);
    }

    [Fact]
    public void Compile_keepsDepartmentsSeparate_whenOneSupersedesItsOwnUpdate()
    {
        SendSmall("A", "2026-Q1", Local(3, 2), V("S", 30));
        SendSmall("D", "2026-Q1", Local(3, 3), V("S", 5));
        SendSmall("A", "2026-Q1", Local(3, 4), V("S", 31));

        Assert.Equal(36m, Indicator(Compile(SmallCatalog, Small, "2026-Q1"), "S").Value);
    }

    // ---- expected departments ----

    [Fact]
    public void Compile_expectsLeadsOfIndicatorsAndOfTasksActiveInWindow_only()
    {
        SendSmall("A", "2026-Q1", Local(3, 3), V("S", 30));
        SendSmall("D", "2026-Q1", Local(3, 3), V("S", 5));

        var q1 = Compile(SmallCatalog, Small, "2026-Q1");
        var h1 = Compile(SmallCatalog, Small, "2026-H1");

        Assert.Equal(["A", "B", "D"], q1.Submissions.Select(s => s.Department.Code).Order(StringComparer.Ordinal));
        Assert.False(Submission(q1, "D").Expected); // reported anyway, though it leads nothing
        Assert.Contains("Bộ phận B", Assert.Single(q1.Warnings, w => w.Code == "department_silent").Message, StringComparison.Ordinal);
        Assert.Equal(["A", "B", "C"], h1.Submissions.Where(s => s.Expected).Select(s => s.Department.Code).Order(StringComparer.Ordinal));
        Assert.Equal(3, h1.Warnings.Count(w => w.Code == "department_silent"));
    }

    // ---- the seed plan: timeliness, warnings, narratives, tasks, JSON ----

    [Fact]
    public void Compile_judgesTimelinessByLocalDayOfFirstReceipt_againstDepartmentDueDate()
    {
        var q1 = Seeds.FindPeriod(BinhChuong, "2026-Q1")!;
        Assert.Equal(new DateOnly(2026, 3, 5), q1.DepartmentDueDate);
        var lastMinute = HubTime.At(q1.DepartmentDueDate, new TimeOnly(23, 59)); // 16:59 UTC
        var nextDay = HubTime.At(q1.DepartmentDueDate.AddDays(1), new TimeOnly(0, 0)); // 17:00 UTC, still the 5th in UTC
        Assert.Equal(q1.DepartmentDueDate, DateOnly.FromDateTime(nextDay.UtcDateTime));

        Send(Seeds, BinhChuong, "TTPVHCC", "2026-Q1", lastMinute, [V("1", 85)]);
        Send(Seeds, BinhChuong, "VP", "2026-Q1", nextDay, [V("8", 90)]);
        Send(Seeds, BinhChuong, "VHXH", "2026-Q1", Local(3, 3), [V("12", 50)]);
        Send(Seeds, BinhChuong, "VHXH", "2026-Q1", Local(3, 10), [V("12", 55)]); // a late correction does not make VHXH late
        Send(Seeds, BinhChuong, "KT", "2026-02", Local(2, 10), [V("17", 70)]); // another period's update does not count for Q1

        var report = Compile(Seeds, BinhChuong, "2026-Q1");

        Assert.Equal((SubmissionStatus.OnTime, (DateTimeOffset?)lastMinute), (Submission(report, "TTPVHCC").Status, Submission(report, "TTPVHCC").ReceivedAt));
        Assert.Equal((SubmissionStatus.Late, (DateTimeOffset?)nextDay), (Submission(report, "VP").Status, Submission(report, "VP").ReceivedAt));
        Assert.Equal((SubmissionStatus.OnTime, (DateTimeOffset?)Local(3, 3)), (Submission(report, "VHXH").Status, Submission(report, "VHXH").ReceivedAt));
        string[] silent = ["KT", "TTCUDV", "CA", "TYT", "TRUONG_HOC"];
        Assert.All(silent, code => Assert.Equal((SubmissionStatus.Missing, (DateTimeOffset?)null), (Submission(report, code).Status, Submission(report, code).ReceivedAt)));
        var warnings = report.Warnings.Where(w => w.Code == "department_silent").Select(w => w.Message).ToList();
        Assert.Equal(silent.Length, warnings.Count);
        Assert.All(silent, code => Assert.Single(warnings, m => m.StartsWith(BinhChuong.FindDepartment(code)!.Name + " ", StringComparison.Ordinal)));
        // The period in words, never its label (issue 15).
        Assert.All(warnings, m => Assert.EndsWith("quý I năm 2026.", m, StringComparison.Ordinal));
        Assert.All(warnings, m => Assert.DoesNotContain("2026-Q1", m, StringComparison.Ordinal));
    }

    [Fact]
    public void Compile_showsEarliestReceiptInstant_whenUpdatesCarryDifferentOffsets()
    {
        // The bus stamps UtcNow; `ingest --received-at` passes the operator's +07:00 time. 18:00 UTC comes first.
        var paper = HubTime.At(new DateOnly(2026, 3, 5), new TimeOnly(1, 0)); // 2026-03-04T18:00Z
        Send(Seeds, BinhChuong, "TTPVHCC", "2026-Q1", Utc(3, 4, 20), [V("1", 85)]);
        Send(Seeds, BinhChuong, "TTPVHCC", "2026-Q1", paper, [V("1", 80)]);

        var report = Compile(Seeds, BinhChuong, "2026-Q1");

        Assert.Equal((SubmissionStatus.OnTime, (DateTimeOffset?)paper), (Submission(report, "TTPVHCC").Status, Submission(report, "TTPVHCC").ReceivedAt));
        Assert.Equal(85m, Indicator(report, "1").Value); // 20:00 UTC is the newer update
    }

    [Fact]
    public void Compile_countsOnTime_whenReceivedOnNextWorkingDayAfterWeekendDueDate()
    {
        // 9M is due Saturday 5/9/2026; departments have until Monday 7/9.
        var nineMonth = Seeds.FindPeriod(BinhChuong, "2026-9M")!;
        Assert.Equal(new DateOnly(2026, 9, 7), nineMonth.DepartmentDueDate);

        Send(Seeds, BinhChuong, "TTPVHCC", "2026-9M", HubTime.At(new DateOnly(2026, 9, 7), new TimeOnly(16, 0)), [V("1", 85)]);
        Send(Seeds, BinhChuong, "VP", "2026-9M", HubTime.At(new DateOnly(2026, 9, 8), new TimeOnly(8, 0)), [V("8", 85)]);

        var report = Compile(Seeds, BinhChuong, "2026-9M");

        Assert.Equal(SubmissionStatus.OnTime, Submission(report, "TTPVHCC").Status);
        Assert.Equal(SubmissionStatus.Late, Submission(report, "VP").Status);
    }

    [Fact]
    public void Compile_computesRatioFromSummedCountsOverHalfYear_forSeedIndicator()
    {
        // Indicator 1 (ratio, ≥ 80 %): 1/2 in January and 99/100 in the H1 update give 100/102, not the 74.5 average.
        Send(Seeds, BinhChuong, "TTPVHCC", "2026-01", Local(1, 10), [Counts("1", 1, 2)]);
        Send(Seeds, BinhChuong, "TTPVHCC", "2026-H1", Local(6, 3), [Counts("1", 99, 100)]);
        Send(Seeds, BinhChuong, "TTPVHCC", "2026-07", Local(7, 10), [Counts("1", 0, 1000)]); // after H1's cut-off

        var h1 = Indicator(Compile(Seeds, BinhChuong, "2026-H1"), "1");

        Assert.Equal((98.04m, 100m, 102m, Achievement.Yes), (h1.Value, h1.Numerator, h1.Denominator, h1.Achieved));
    }

    [Fact]
    public void Compile_warnsStatedRateMismatch_whenStatedValueIsOffItsCountsByMoreThanHalfAPoint()
    {
        Send(Seeds, BinhChuong, "TTPVHCC", "2026-Q1", Local(3, 3),
        [
            Counts("7", 3, 10, stated: 35), // 30 % by the counts
            Counts("6", 19, 20, stated: 95.4m), // 95 %: within tolerance
            Counts("5", 19, 20, stated: 95.5m), // exactly half a point: still within
            Counts("4", 1, 3, stated: 33.3m), // 33.33…: rounding, not a disagreement
        ]);

        var report = Compile(Seeds, BinhChuong, "2026-Q1");

        var mismatch = Assert.Single(report.Warnings, w => w.Code == "stated_rate_mismatch");
        Assert.Contains("Chỉ tiêu 7 ", mismatch.Message, StringComparison.Ordinal);
        Assert.Contains("35", mismatch.Message, StringComparison.Ordinal);
        Assert.Contains("3/10", mismatch.Message, StringComparison.Ordinal);
        Assert.Equal(30m, Indicator(report, "7").Value); // the counts win over the stated rate
    }

    [Fact]
    public void Compile_gathersNarrativesBySection_fromCurrentUpdatesOfThePeriod()
    {
        Send(Seeds, BinhChuong, "TTPVHCC", "2026-Q1", Local(3, 2), narrative: new Narrative { Results = "Tiếp nhận 120 hồ sơ.", Difficulties = "Mạng chậm." });
        Send(Seeds, BinhChuong, "VP", "2026-Q1", Local(3, 2), narrative: new Narrative { Results = "Bản cũ.", Proposals = "Cấp thêm máy tính." });
        Send(Seeds, BinhChuong, "VP", "2026-Q1", Local(3, 4), narrative: new Narrative { Results = "  Đã số hóa 300 hồ sơ.  ", Proposals = "Cấp thêm máy tính." });
        Send(Seeds, BinhChuong, "VHXH", "2026-Q1", Local(3, 3), narrative: new Narrative { Results = "   ", Difficulties = "Thiếu nhân lực." });

        var report = Compile(Seeds, BinhChuong, "2026-Q1");

        List<(string Department, string Text)> Section(string name) =>
            report.Narratives.Where(n => n.Section == name).Select(n => (n.Department.Code, n.Text)).OrderBy(x => x.Code, StringComparer.Ordinal).ToList();
        Assert.Equal([("TTPVHCC", "Tiếp nhận 120 hồ sơ."), ("VP", "Đã số hóa 300 hồ sơ.")], Section("results"));
        Assert.Equal([("TTPVHCC", "Mạng chậm."), ("VHXH", "Thiếu nhân lực.")], Section("difficulties"));
        Assert.Equal([("VP", "Cấp thêm máy tính.")], Section("proposals"));
        Assert.Equal(5, report.Narratives.Count);
    }

    [Fact]
    public void Compile_givesLatestStatusAndProgressOfEachTask_acrossTheWindow()
    {
        // III.5.b: lead TTPVHCC. III.6.a: lead TTPVHCC, coordinator TTCUDV.
        Send(Seeds, BinhChuong, "TTPVHCC", "2026-01", Local(1, 10), tasks: [new TaskProgress { Code = "III.5.b", Status = "in_progress", Progress = 30 }, new TaskProgress { Code = "III.6.a", Status = "in_progress", Progress = 20 }]);
        Send(Seeds, BinhChuong, "TTPVHCC", "2026-02", Local(2, 10), tasks: [new TaskProgress { Code = "III.5.b", Status = "in_progress", Progress = 60, Note = "Gần xong" }]);
        Send(Seeds, BinhChuong, "TTPVHCC", "2026-Q1", Local(3, 3), tasks: [new TaskProgress { Code = "III.5.b", Status = "done", Progress = 100, Note = "Xong" }]);
        Send(Seeds, BinhChuong, "TTCUDV", "2026-Q1", Local(3, 2), tasks: [new TaskProgress { Code = "III.6.a", Status = "in_progress", Progress = 40 }]);

        var report = Compile(Seeds, BinhChuong, "2026-Q1");

        var done = Assert.Single(report.Tasks, t => t.Task.Code == "III.5.b");
        Assert.Equal(("done", 100m, "Xong", "TTPVHCC"), (done.Status, done.Progress, done.Note, done.ReportedBy));
        var shared = Assert.Single(report.Tasks, t => t.Task.Code == "III.6.a");
        Assert.Equal(("in_progress", 40m, "TTCUDV"), (shared.Status, shared.Progress, shared.ReportedBy));
        var silent = Assert.Single(report.Tasks, t => t.Task.Code == "IV.3");
        Assert.Equal(("not_reported", (decimal?)null), (silent.Status, silent.Progress));
        Assert.Equal(BinhChuong.Tasks.Count, report.Tasks.Count);
        var february = Assert.Single(Compile(Seeds, BinhChuong, "2026-02").Tasks, t => t.Task.Code == "III.5.b");
        Assert.Equal(("in_progress", (decimal?)60m), (february.Status, february.Progress));
    }

    [Fact]
    public void Compile_sumsStatisticsOverTheWindow_fromCurrentUpdates()
    {
        Send(Seeds, BinhChuong, "TTPVHCC", "2026-01", Local(1, 10), statistics: [new StatisticValue { Code = "dossiers_received", Value = 100 }]);
        Send(Seeds, BinhChuong, "TTPVHCC", "2026-Q1", Local(3, 2), statistics: [new StatisticValue { Code = "dossiers_received", Value = 999 }]);
        Send(Seeds, BinhChuong, "TTPVHCC", "2026-Q1", Local(3, 3), statistics: [new StatisticValue { Code = "dossiers_received", Value = 150 }, new StatisticValue { Code = "dossiers_online", Value = 90 }]);
        Send(Seeds, BinhChuong, "VP", "2026-02", Local(2, 10), statistics: [new StatisticValue { Code = "dossiers_received", Value = 20 }]);

        var report = Compile(Seeds, BinhChuong, "2026-Q1");

        Assert.Equal([new StatisticResult("dossiers_online", 90m), new StatisticResult("dossiers_received", 270m)], report.Statistics);
    }

    [Fact]
    public void JsonReportRenderer_writesTheDocumentedFields_forNineMonthReport()
    {
        var due = HubTime.At(new DateOnly(2026, 9, 7), new TimeOnly(10, 0));
        Send(Seeds, BinhChuong, "TTPVHCC", "2026-08", Local(8, 10), [Counts("1", 7, 10)],
            statistics: [new StatisticValue { Code = "dossiers_received", Value = 100 }]);
        Send(Seeds, BinhChuong, "TTPVHCC", "2026-9M", due, [Counts("1", 9, 10, stated: 95)],
            tasks: [new TaskProgress { Code = "III.5.b", Status = "in_progress", Progress = 70 }],
            statistics: [new StatisticValue { Code = "dossiers_received", Value = 150 }]);

        using var json = JsonDocument.Parse(JsonReportRenderer.Render(Compile(Seeds, BinhChuong, "2026-9M")));
        var root = json.RootElement;

        Assert.Equal("binh-chuong-2026", root.GetProperty("planId").GetString());
        Assert.Equal("2026-9M", root.GetProperty("period").GetString());
        Assert.Equal("nine-month", root.GetProperty("kind").GetString());
        Assert.Equal("2026-09-05", root.GetProperty("dueDate").GetString());
        Assert.Equal("2026-09-07", root.GetProperty("adjustedDueDate").GetString());

        var indicators = root.GetProperty("indicators").EnumerateArray().ToList();
        Assert.Equal(28, indicators.Count);
        var first = Assert.Single(indicators, i => i.GetProperty("code").GetString() == "1");
        Assert.Equal(BinhChuong.FindIndicator("1")!.Name, first.GetProperty("name").GetString());
        Assert.Equal("%", first.GetProperty("unit").GetString());
        Assert.Equal(">=", first.GetProperty("target").GetProperty("op").GetString());
        Assert.Equal(80m, first.GetProperty("target").GetProperty("value").GetDecimal());
        Assert.Equal(80m, first.GetProperty("value").GetDecimal()); // (7 + 9) / (10 + 10)
        Assert.Equal(70m, first.GetProperty("previousValue").GetDecimal()); // the 2026-08 report
        Assert.Equal("yes", first.GetProperty("achieved").GetString());
        Assert.Equal("TTPVHCC", first.GetProperty("lead").GetString());
        var system = Assert.Single(indicators, i => i.GetProperty("code").GetString() == "13");
        Assert.Equal("done", system.GetProperty("target").GetProperty("op").GetString());
        Assert.Equal(JsonValueKind.Null, system.GetProperty("target").GetProperty("value").ValueKind);
        Assert.Equal(JsonValueKind.Null, system.GetProperty("value").ValueKind);
        Assert.Equal(JsonValueKind.Null, system.GetProperty("previousValue").ValueKind);
        Assert.Equal("not_reported", system.GetProperty("achieved").GetString());
        Assert.Equal("VHXH", system.GetProperty("lead").GetString());

        var tasks = root.GetProperty("tasks").EnumerateArray().ToList();
        Assert.Equal(BinhChuong.Tasks.Count, tasks.Count);
        var task = Assert.Single(tasks, t => t.GetProperty("code").GetString() == "III.5.b");
        Assert.Equal(("in_progress", 70m), (task.GetProperty("status").GetString(), task.GetProperty("progress").GetDecimal()));
        var unreported = Assert.Single(tasks, t => t.GetProperty("code").GetString() == "IV.3");
        Assert.Equal(("not_reported", JsonValueKind.Null), (unreported.GetProperty("status").GetString(), unreported.GetProperty("progress").ValueKind));

        var submissions = root.GetProperty("submissions").EnumerateArray().ToList();
        var onTime = Assert.Single(submissions, s => s.GetProperty("department").GetString() == "TTPVHCC");
        Assert.Equal("on_time", onTime.GetProperty("status").GetString());
        Assert.Equal(due, onTime.GetProperty("receivedAt").GetDateTimeOffset());
        var missing = Assert.Single(submissions, s => s.GetProperty("department").GetString() == "VP");
        Assert.Equal(("missing", JsonValueKind.Null), (missing.GetProperty("status").GetString(), missing.GetProperty("receivedAt").ValueKind));
        Assert.All(submissions, s => Assert.Contains(s.GetProperty("status").GetString(), new[] { "on_time", "late", "missing" }));

        var statistic = Assert.Single(root.GetProperty("statistics").EnumerateArray());
        Assert.Equal(("dossiers_received", 250m), (statistic.GetProperty("code").GetString(), statistic.GetProperty("value").GetDecimal()));

        var warnings = root.GetProperty("warnings").EnumerateArray().ToList();
        Assert.Contains(warnings, w => w.GetProperty("code").GetString() == "stated_rate_mismatch" && w.GetProperty("message").GetString()!.Contains("9/10", StringComparison.Ordinal));
        Assert.Equal(7, warnings.Count(w => w.GetProperty("code").GetString() == "department_silent"));
        Assert.All(warnings, w => Assert.False(string.IsNullOrWhiteSpace(w.GetProperty("message").GetString())));
    }

    [Fact]
    public void Compile_givesEqualReports_whenCompiledTwiceOverSameData()
    {
        SendSmall("A", "2026-Q1", Local(3, 3), V("S", 30), Counts("R", 4, 5));

        var once = JsonReportRenderer.Render(Compile(SmallCatalog, Small, "2026-Q1"));
        var twice = JsonReportRenderer.Render(Compile(SmallCatalog, Small, "2026-Q1"));

        Assert.Equal(once, twice);
    }

    [Fact]
    public void Compile_carriesTheOfficesNewestEditPerSection_inSectionOrder_leavingBlankOnesOut()
    {
        using (var connection = _db.Open())
        {
            var approvals = new Reporting.Approval.ApprovalStore(connection);
            approvals.Edit(Small.Id, "2026-Q1", "next_tasks", "Số hóa hồ sơ.", "vanphong", Local(3, 5), "draft");
            approvals.Edit(Small.Id, "2026-Q1", "difficulties", "Bản đầu.", "vanphong", Local(3, 5, 11), "draft");
            approvals.Edit(Small.Id, "2026-Q1", "difficulties", "  Đường truyền yếu.\n", "vanphong", Local(3, 5, 12), "draft");
            approvals.Edit(Small.Id, "2026-Q1", "proposals", "   ", "vanphong", Local(3, 5, 13), "draft");
            approvals.Edit(Small.Id, "2026-01", "results", "Kỳ khác.", "vanphong", Local(3, 5, 14), "draft");
        }

        var report = Compile(SmallCatalog, Small, "2026-Q1");

        Assert.Equal([new CommuneSection("difficulties", "Đường truyền yếu."), new CommuneSection("next_tasks", "Số hóa hồ sơ.")], report.CommuneSections);
        Assert.Empty(Compile(SmallCatalog, Small, "2026-02").CommuneSections);
    }
}
