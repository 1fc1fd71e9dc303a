using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Tests.Plans;

/// <summary>Broken plan files: each test starts from a small valid plan, breaks one thing and reads the message.</summary>
public sealed class PlanValidationTests : IDisposable
{
    // Line numbers matter to the invalid-JSON tests: "year" is on line 3, "commune" on line 4.
    private const string Valid = """
        {
          "id": "thu-nghiem-2025",
          "year": 2025,
          "commune": { "name": "Thử Nghiệm", "kind": "xã", "province": "Quảng Ngãi" },
          "higherLevel": { "name": "Phòng Văn hoá – Thông tin", "email": "vhtt@example.test" },
          "document": { "number": "01/KH-UBND", "title": "Kế hoạch Chuyển đổi số xã Thử Nghiệm năm 2025" },
          "signer": { "authority": "KT. CHỦ TỊCH", "title": "PHÓ CHỦ TỊCH", "name": "Nguyễn Văn A" },
          "departments": [
            { "code": "VP", "name": "Bộ phận Văn phòng – Thống kê", "email": "vp@example.test" },
            { "code": "VHXH", "name": "Bộ phận Văn hoá – Xã hội", "email": "vhxh@example.test" }
          ],
          "indicators": [
            { "code": "1", "group": "Chính quyền số", "name": "DVCTT toàn trình", "unit": "%", "target": { "op": ">=", "value": 95 }, "lead": "VP" },
            { "code": "2", "group": "Xã hội số", "name": "Chữ ký số", "unit": "%", "target": { "op": ">", "value": 50 }, "lead": "VHXH", "coordinators": ["VP"] }
          ],
          "tasks": [
            { "code": "IV.1", "name": "Truyền thông về chuyển đổi số", "lead": "VHXH", "timeframe": "Thường xuyên" },
            { "code": "IV.2", "name": "Quy chế an toàn thông tin", "lead": "VP", "timeframe": "Quý I năm 2025" }
          ]
        }
        """;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"plan-validation-{Guid.NewGuid():N}");

    public PlanValidationTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string json)
    {
        var file = Path.Combine(_folder, name);
        File.WriteAllText(file, json);
        return file;
    }

    /// <summary>The valid plan with each (old, new) replacement applied; every old text must occur exactly once.</summary>
    private static string Broken(params (string Old, string New)[] edits)
    {
        var json = Valid;
        foreach (var (old, @new) in edits)
        {
            var first = json.IndexOf(old, StringComparison.Ordinal);
            Assert.True(first >= 0 && json.IndexOf(old, first + 1, StringComparison.Ordinal) < 0, $"\"{old}\" must occur once in the valid plan");
            json = json.Replace(old, @new, StringComparison.Ordinal);
        }
        return json;
    }

    private PlanProblem SingleError(string name, string json)
    {
        var file = Write(name, json);

        var result = PlanValidator.Load(file);

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.Equal(file, error.File);
        Assert.Contains(name, error.ToString(), StringComparison.Ordinal);
        Assert.Contains(error.Path, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal); // no stack trace
        return error;
    }

    [Fact]
    public void Load_acceptsTheMinimalPlan()
    {
        var result = PlanValidator.Load(Write("valid.json", Valid));

        Assert.True(result.IsValid);
        Assert.Empty(result.Problems);
        Assert.Equal("thu-nghiem-2025", result.Plan!.Id);
        Assert.Equal(2, result.Plan.Indicators.Count);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("none", false)]
    [InlineData("required", true)]
    public void Load_readsApproval_absentMeaningUnattended(string? approval, bool required)
    {
        var json = approval is null ? Valid : Broken(("\"id\": \"thu-nghiem-2025\",", $"\"id\": \"thu-nghiem-2025\", \"approval\": \"{approval}\","));

        var result = PlanValidator.Load(Write("approval.json", json));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(approval, result.Plan!.Approval);
        Assert.Equal(required, result.Plan.RequiresApproval);
    }

    [Fact]
    public void Load_namesApproval_whenItIsNeitherNoneNorRequired()
    {
        var error = SingleError("approval.json", Broken(("\"id\": \"thu-nghiem-2025\",", "\"id\": \"thu-nghiem-2025\", \"approval\": \"Required\",")));

        Assert.Equal("$.approval", error.Path);
        Assert.Contains("expected \"none\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("got \"Required\"", error.Message, StringComparison.Ordinal);
    }

    private static string WithLateNotice(string approval, string lateNotice) => Broken(("\"id\": \"thu-nghiem-2025\",",
        $"\"id\": \"thu-nghiem-2025\", \"approval\": \"{approval}\", \"delivery\": {{ \"channels\": [\"email\"], \"lateNotice\": {lateNotice} }},"));

    [Fact]
    public void Load_readsLateNotice_theHigherLevelByItsNameAndAddressesOnceEach()
    {
        var result = PlanValidator.Load(Write("late.json", WithLateNotice("required", """["higherLevel", "vanphong@so-khcn.example", "VHTT@example.test", "vanphong@so-khcn.example"]""")));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Empty(result.Problems);
        Assert.Equal([("Phòng Văn hoá – Thông tin", "vhtt@example.test"), (null, "vanphong@so-khcn.example")], LateNoticeRecipients.For(result.Plan!));
        Assert.Empty(LateNoticeRecipients.For(PlanValidator.Load(Write("none.json", Valid)).Plan!));
    }

    [Theory]
    [InlineData("\"higher_level\"")]
    [InlineData("\"cấp trên\"")]
    [InlineData("\"vanphong@\"")]
    [InlineData("\"van phong@so.example\"")]
    public void Load_namesTheLateNoticeEntry_whenItIsNeitherHigherLevelNorAnAddress(string entry)
    {
        var error = SingleError("late.json", WithLateNotice("required", $"[\"higherLevel\", {entry}]"));

        Assert.Equal("$.delivery.lateNotice[1]", error.Path);
        Assert.Contains("expected \"higherLevel\" (the plan's higherLevel.email) or an email address", error.Message, StringComparison.Ordinal);
        Assert.Contains($"got {entry}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_warnsThatLateNoticeNeverGoes_whenThePlanNeedsNoApproval()
    {
        var result = PlanValidator.Load(Write("late.json", WithLateNotice("none", "[\"higherLevel\"]")));

        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("$.delivery.lateNotice", warning.Path);
        Assert.Contains("approval: none", warning.Message, StringComparison.Ordinal);
        Assert.Equal("$.delivery.lateNotice[0]", SingleError("null.json", WithLateNotice("required", "[null]")).Path);
    }

    private static string WithSigning(string approval, string signing) =>
        Broken(("\"id\": \"thu-nghiem-2025\",", $"\"id\": \"thu-nghiem-2025\",{approval} \"signing\": {signing},"));

    [Fact]
    public void Load_acceptsPasswordAtSigning_onTheSignerOfAPlanWithApprovalRequired()
    {
        var result = PlanValidator.Load(Write("typed.json", WithSigning(" \"approval\": \"required\",", """{ "signer": { "certificate": "chu-tich.p12", "passwordAtSigning": true } }""")));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.True(result.Plan!.Signing!.Signer!.PasswordAtSigning);
    }

    [Theory]
    [InlineData("", """{ "signer": { "certificate": "s.p12", "passwordAtSigning": true } }""", "$.signing.signer.passwordAtSigning", "valid only with \"approval\": \"required\"")]
    [InlineData(" \"approval\": \"none\",", """{ "signer": { "certificate": "s.p12", "passwordAtSigning": true } }""", "$.signing.signer.passwordAtSigning", "signed unattended at the send time")]
    [InlineData(" \"approval\": \"required\",", """{ "signer": { "certificate": "s.p12", "passwordAtSigning": true, "password": "x" } }""", "$.signing.signer.password", "expected no password or passwordFile")]
    [InlineData(" \"approval\": \"required\",", """{ "signer": { "certificate": "s.p12", "passwordAtSigning": true, "passwordFile": "p.txt" } }""", "$.signing.signer.passwordFile", "never stored")]
    [InlineData(" \"approval\": \"required\",", """{ "agency": { "certificate": "a.p12", "passwordAtSigning": true } }""", "$.signing.agency.passwordAtSigning", "only the signer's certificate")]
    public void Load_namesPasswordAtSigning_whereItCannotBe(string approval, string signing, string path, string says)
    {
        var error = SingleError("typed.json", WithSigning(approval, signing));

        Assert.Equal(path, error.Path);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_namesFilePathAndExpectedCodes_whenAnIndicatorLeadIsUnknown()
    {
        var error = SingleError("unknown-lead.json", Broken(("\"value\": 95 }, \"lead\": \"VP\"", "\"value\": 95 }, \"lead\": \"VPP\"")));

        Assert.Equal("$.indicators[0].lead", error.Path);
        Assert.Contains("unknown department \"VPP\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected one of VP, VHXH", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_namesTheCoordinator_whenATaskCoordinatorIsUnknown()
    {
        var error = SingleError("unknown-coordinator.json",
            Broken(("\"lead\": \"VHXH\", \"timeframe\"", "\"lead\": \"VHXH\", \"coordinators\": [\"VP\", \"THON\"], \"timeframe\"")));

        Assert.Equal("$.tasks[0].coordinators[1]", error.Path);
        Assert.Contains("unknown department \"THON\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("VP, VHXH", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_reportsTheSecondOccurrence_whenAnIndicatorCodeIsDuplicated()
    {
        var error = SingleError("duplicate-code.json", Broken(("\"code\": \"2\"", "\"code\": \"1\"")));

        Assert.Equal("$.indicators[1].code", error.Path);
        Assert.Contains("duplicate indicator code \"1\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_listsTheValidOps_whenAnOpIsUnknown()
    {
        var error = SingleError("unknown-op.json", Broken(("\"op\": \">=\"", "\"op\": \"≥\"")));

        Assert.Equal("$.indicators[0].target.op", error.Path);
        Assert.Contains("unknown op \"≥\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected one of >=, >, <=, <, =, done", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_reportsAPeriodOutsideThePlansYear_whenATaskTimeframeNamesAnotherYear()
    {
        var error = SingleError("wrong-year.json", Broken(("Quý I năm 2025", "Quý I năm 2024")));

        Assert.Equal("$.tasks[1].timeframe", error.Path);
        Assert.Contains("outside the plan's year", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"Quý I năm 2024\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected 2025", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_quotesTheText_whenATaskTimeframeCannotBeRead()
    {
        var error = SingleError("bad-timeframe.json", Broken(("\"Thường xuyên\"", "\"sometime\"")));

        Assert.Equal("$.tasks[0].timeframe", error.Path);
        Assert.Contains("expected a timeframe", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"sometime\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_givesPathAndLine_whenTheJsonIsInvalid()
    {
        // The comma after "year": 2025 is missing, so the parser trips on line 4.
        var error = SingleError("invalid.json", Broken(("\"year\": 2025,", "\"year\": 2025")));

        Assert.Equal("$", error.Path); // between two members of the root object
        Assert.Contains("(line 4)", error.Message, StringComparison.Ordinal);
        Assert.Contains("invalid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_givesLine_whenTheFileIsCutShort()
    {
        var json = Valid[..Valid.IndexOf("\"tasks\"", StringComparison.Ordinal)];

        var error = SingleError("truncated.json", json);

        Assert.StartsWith("$", error.Path, StringComparison.Ordinal);
        Assert.Contains("(line 16)", error.Message, StringComparison.Ordinal);
    }

    // Fails today: PlanJson.Options starts from JsonSerializerDefaults.Web, whose NumberHandling is
    // AllowReadingFromString, so "2025" is read as 2025 although plan.schema.json says "year" is an integer.
    [Fact]
    public void Load_namesTheFieldAndType_whenAValueHasTheWrongType()
    {
        var error = SingleError("wrong-type.json", Broken(("\"year\": 2025,", "\"year\": \"2025\",")));

        Assert.Equal("$.year", error.Path);
        Assert.Contains("could not be converted", error.Message, StringComparison.Ordinal);
        Assert.Contains("Int32", error.Message, StringComparison.Ordinal);
        Assert.Contains("(line 3)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"year\": true,", "$.year", "Int32", "(line 3)")]
    [InlineData("\"year\": [2025],", "$.year", "Int32", "(line 3)")]
    [InlineData("\"id\": 2025,", "$.id", "String", "(line 2)")]
    public void Load_namesTheFieldAndType_whenAValueIsNotEvenAString(string replacement, string path, string type, string line)
    {
        var old = path == "$.id" ? "\"id\": \"thu-nghiem-2025\"," : "\"year\": 2025,";

        var error = SingleError("wrong-type.json", Broken((old, replacement)));

        Assert.Equal(path, error.Path);
        Assert.Contains("could not be converted", error.Message, StringComparison.Ordinal);
        Assert.Contains(type, error.Message, StringComparison.Ordinal);
        Assert.Contains(line, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_namesTheProperty_whenAPropertyIsMisspelt()
    {
        var error = SingleError("typo.json", Broken(("\"coordinators\": [\"VP\"]", "\"coordinator\": [\"VP\"]")));

        Assert.Equal("$.indicators[1].coordinator", error.Path);
        Assert.Contains("'coordinator'", error.Message, StringComparison.Ordinal);
        Assert.Contains("could not be mapped", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_namesTheProperty_whenATopLevelPropertyIsMisspelt()
    {
        var error = SingleError("top-level-typo.json", Broken(("\"tasks\": [", "\"taks\": [")));

        Assert.Equal("$.taks", error.Path);
        Assert.Contains("'taks'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_namesTheMissingProperty_whenARequiredOneIsAbsent()
    {
        var error = SingleError("missing-year.json", Broken(("\n  \"year\": 2025,", "")));

        Assert.Equal("$", error.Path);
        Assert.Contains("missing required properties including: 'year'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_listsEveryError_whenAFileHasSeveral()
    {
        var file = Write("several.json", Broken(
            ("\"value\": 95 }, \"lead\": \"VP\"", "\"value\": 95 }, \"lead\": \"VPP\""),
            ("\"code\": \"2\"", "\"code\": \"1\""),
            ("\"op\": \">\"", "\"op\": \"gt\""),
            ("\"coordinators\": [\"VP\"]", "\"coordinators\": [\"MTTQ\"]"),
            ("Quý I năm 2025", "Quý I năm 2024"),
            ("\"Thường xuyên\"", "\"sometime\"")));

        var result = PlanValidator.Load(file);

        Assert.False(result.IsValid);
        Assert.All(result.Errors, e => Assert.Equal(file, e.File));
        Assert.Equal(
            [
                "$.indicators[0].lead",
                "$.indicators[1].code",
                "$.indicators[1].coordinators[0]",
                "$.indicators[1].target.op",
                "$.tasks[0].timeframe",
                "$.tasks[1].timeframe",
            ],
            result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LoadFolder_throwsWithEveryProblemOfEveryFile_whenPlansAreBroken()
    {
        Write("a-valid-2025.json", Valid.Replace("thu-nghiem-2025", "a-valid-2025", StringComparison.Ordinal));
        var first = Write("b-broken-2025.json", Broken(("thu-nghiem-2025", "b-broken-2025"), ("\"op\": \">=\"", "\"op\": \"≥\""), ("\"code\": \"2\"", "\"code\": \"1\"")));
        var second = Write("c-broken-2025.json", Broken(("thu-nghiem-2025", "c-broken-2025"), ("\"year\": 2025,", "\"year\": true,")));

        var e = Assert.Throws<PlanFileException>(() => PlanCatalog.LoadFolder(_folder));

        Assert.Equal(3, e.Problems.Count(p => !p.IsWarning));
        Assert.Contains(e.Problems, p => p.File == first && p.Path == "$.indicators[0].target.op");
        Assert.Contains(e.Problems, p => p.File == first && p.Path == "$.indicators[1].code");
        Assert.Contains(e.Problems, p => p.File == second && p.Path == "$.year");
        foreach (var text in new[] { "b-broken-2025.json", "c-broken-2025.json", "$.indicators[0].target.op", "$.indicators[1].code", "$.year" })
            Assert.Contains(text, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("a-valid-2025.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFolder_reportsADuplicatePlanId_acrossFiles()
    {
        Write("one.json", Valid);
        var second = Write("two.json", Valid);

        var e = Assert.Throws<PlanFileException>(() => PlanCatalog.LoadFolder(_folder));

        var problem = Assert.Single(e.Problems, p => !p.IsWarning);
        Assert.Equal(second, problem.File);
        Assert.Equal("$.id", problem.Path);
        Assert.Contains("duplicate plan id \"thu-nghiem-2025\"", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFolder_warns_whenThePlanYearHasNoHolidayData()
    {
        Write("thu-nghiem-2027.json", Valid.Replace("2025", "2027", StringComparison.Ordinal));

        var catalog = PlanCatalog.LoadFolder(_folder);

        var warning = Assert.Single(catalog.Warnings);
        Assert.True(warning.IsWarning);
        Assert.Contains("no holiday data for 2027", warning.Message, StringComparison.Ordinal);
        Assert.Contains("weekends only", warning.Message, StringComparison.Ordinal);
        Assert.NotNull(catalog.Find("thu-nghiem-2027"));
    }

    [Fact]
    public void Load_readsAPlansCalendarOverride()
    {
        var json = Broken(("\"tasks\": [", "\"calendar\": { \"monthlyDueDay\": 10 },\n  \"tasks\": ["));
        Write("override.json", json);
        Directory.CreateDirectory(Path.Combine(_folder, "holidays"));
        File.Copy(Path.Combine(TestPaths.Holidays, "2025.json"), Path.Combine(_folder, "holidays", "2025.json"));

        var catalog = PlanCatalog.LoadFolder(_folder);
        var plan = catalog.Find("thu-nghiem-2025")!;
        var february = catalog.FindPeriod(plan, "2025-02");

        Assert.Equal(10, plan.EffectiveCalendar.MonthlyDueDay);
        Assert.Equal(5, plan.EffectiveCalendar.CumulativeDueDay);
        Assert.NotNull(february);
        Assert.Equal(new DateOnly(2025, 2, 10), february.DueDate); // Monday
        Assert.Equal(new DateOnly(2025, 5, 12), catalog.FindPeriod(plan, "2025-05")!.AdjustedDueDate); // Sat 10/5 → Mon 12/5
        Assert.Empty(catalog.Warnings);
    }
}
