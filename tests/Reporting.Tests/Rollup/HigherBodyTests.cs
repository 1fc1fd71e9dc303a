using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Rollup;

namespace ChuyenDoiSo.Reporting.Tests.Rollup;

public sealed class HigherBodyTests
{
    private const string Valid = """
        { "id": "test-province-2026", "year": 2026, "name": "Sở Khoa học và Công nghệ tỉnh Thử Nghiệm", "level": "province",
          "issuingBody": "UBND TỈNH THỬ NGHIỆM", "issuingUnit": "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "place": "Thử Nghiệm", "documentCode": "BC-SKHCN",
          "signer": { "authority": "KT. GIÁM ĐỐC", "title": "PHÓ GIÁM ĐỐC", "name": "Nguyễn Văn B" },
          "higherLevel": { "name": "UBND tỉnh", "email": "ubnd@thu-nghiem.example" },
          "communes": ["binh-chuong-2026", "tam-phuoc-2023#001"], "dueOffsetDays": 3 }
        """;

    private static PlanCatalog Plans => RollupFixtures.SeedPlans.Value;

    [Fact]
    public void Parse_readsBody_whenValid()
    {
        var (body, problems) = HigherBodyLoader.Parse("b.json", Valid, Plans);

        Assert.Empty(problems);
        Assert.Equal(["binh-chuong-2026", "tam-phuoc-2023#001"], body!.Communes);
        Assert.Equal("tam-phuoc-2023", HigherBody.BasePlanId(body.Communes[1]));
    }

    [Fact]
    public void Parse_readsApproval_andNamesAValueThatIsNeitherNoneNorRequired()
    {
        var (body, problems) = HigherBodyLoader.Parse("b.json", Valid.Replace("\"dueOffsetDays\": 3", "\"dueOffsetDays\": 3, \"approval\": \"required\"", StringComparison.Ordinal), Plans);
        Assert.Empty(problems);
        Assert.True(body!.RequiresApproval);

        (body, problems) = HigherBodyLoader.Parse("b.json", Valid.Replace("\"dueOffsetDays\": 3", "\"dueOffsetDays\": 3, \"approval\": \"later\"", StringComparison.Ordinal), Plans);
        Assert.Null(body);
        Assert.Contains(problems, p => p.Path == "$.approval" && p.Message.Contains("got \"later\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_namesEveryProblem_withItsPath()
    {
        var json = Valid
            .Replace("\"province\"", "\"region\"", StringComparison.Ordinal)
            .Replace("\"tam-phuoc-2023#001\"", "\"tam-phuoc-2023#001\", \"nowhere-2026#002\", \"binh-chuong-2026\", \"Bad Id\"", StringComparison.Ordinal);

        var (body, problems) = HigherBodyLoader.Parse("b.json", json, Plans);

        Assert.Null(body);
        Assert.Contains(problems, p => p.Path == "$.level");
        Assert.Contains(problems, p => p.Path == "$.communes[2]" && p.Message.Contains("unknown plan \"nowhere-2026\"", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "$.communes[3]" && p.Message.Contains("duplicate", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "$.communes[4]");
        Assert.All(problems, p => Assert.Equal("b.json", p.File));
    }

    [Fact]
    public void Parse_rejectsContactOfUnknownCommune_orWithoutAnAddress()
    {
        var json = Valid.Replace("\"dueOffsetDays\": 3", "\"dueOffsetDays\": 3, \"communeContacts\": { \"binh-chuong-2026\": \"nobody\", \"nowhere-2026\": \"a@b.example\" }", StringComparison.Ordinal);

        var (body, problems) = HigherBodyLoader.Parse("b.json", json, Plans);

        Assert.Null(body);
        Assert.Contains(problems, p => p.Path == "$.communeContacts['binh-chuong-2026']" && p.Message.Contains("email", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "$.communeContacts['nowhere-2026']" && p.Message.Contains("unknown commune", StringComparison.Ordinal));
    }

    [Fact]
    public void CalendarFor_dueDateIsCommunesAdjustedDueDatePlusOffset_onTheNextWorkingDay()
    {
        var body = HigherBodyLoader.Parse("b.json", Valid, Plans).Body!;
        var holidays = HolidayCalendar.LoadFolder(TestPaths.Holidays);

        var periods = body.CalendarFor(holidays);

        Assert.Equal(12, periods.Count);
        foreach (var p in periods)
        {
            var expected = p.Communes.AdjustedDueDate.AddDays(3);
            while (!holidays.IsWorkingDay(expected)) expected = expected.AddDays(1);
            Assert.Equal(expected, p.DueDate);
        }
        // 2026-Q1: communes due Thursday 5 March 2026, the body on Monday 9 March (8 March is a Sunday).
        Assert.Equal((new DateOnly(2026, 3, 5), new DateOnly(2026, 3, 9)), (periods.Single(p => p.Period == "2026-Q1").Communes.AdjustedDueDate, periods.Single(p => p.Period == "2026-Q1").DueDate));
    }
}
