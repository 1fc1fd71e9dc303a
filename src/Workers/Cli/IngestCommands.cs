using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Ingest;
using ChuyenDoiSo.Workers.Wiring;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>ingest and status.</summary>
public static class IngestCommands
{
    public static Command Ingest()
    {
        var file = CliSupport.InputFile(new Option<string?>("--file") { Description = "A JSON file holding one update or an array of updates, or a department's filled workbook (.xlsx, from `template`)" });
        var dir = CliSupport.InputFolder(new Option<string?>("--dir") { Description = "A folder of such files (*.json, *.xlsx)" });
        var receivedAt = new Option<string?>("--received-at") { Description = "When a paper report actually arrived (ISO-8601, e.g. 2026-03-04T10:00:00+07:00); timeliness is judged by it" };
        var command = new Command("ingest", "Put department updates through the bus into the database; prints accepted / duplicate / rejected per message; exit 2 when any is rejected") { file, dir, receivedAt };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var files = Files(parse.GetValue(file), parse.GetValue(dir));
            DateTimeOffset? at = null;
            if (parse.GetValue(receivedAt) is { } text)
            {
                if (!SubmissionReader.TryParseInstant(text, out var parsed))
                    throw new UserException($"--received-at {TextLimits.Quote(text)} is not a date and time with an offset; expected ISO-8601 such as 2026-03-04T10:00:00+07:00");
                // A receive time in the future could never be superseded by a later update.
                var now = TimeProvider.System.GetUtcNow();
                if (parsed > now + SubmissionLimits.ClockSkew)
                    throw new UserException($"--received-at {text} is in the future; expected a time no later than now ({now:yyyy-MM-dd'T'HH:mm'Z'})");
                at = parsed;
            }
            var items = new List<(string, ReadSubmission, DateTimeOffset?)>();
            var brokenWorkbooks = 0;
            PlanCatalog? plans = null;
            foreach (var f in files)
            {
                // A FIFO or a device named *.json in the folder: opening it would wait forever; the other files go on.
                if (CliSupport.FileKindOf(f) is { } kind and not "file")
                {
                    items.Add((f, new ReadSubmission(null, [new Contracts.RejectionReason("unreadable_file", "$", $"not a regular file but a {kind}; expected a .json or .xlsx file")], "", null), at));
                    continue;
                }
                if (WorkbookCommands.IsWorkbook(f))
                {
                    // The hub's own paper-report path: the department is the workbook's (its meta sheet). Nothing of a broken one goes on the bus.
                    var workbook = WorkbookCommands.ReadDepartmentWorkbook(f, plans ??= PlanCommands.LoadCatalog(parse));
                    if (workbook.IsValid)
                    {
                        var json = JsonSerializer.Serialize(workbook.Message, PlanJson.Options);
                        items.Add((f, new ReadSubmission(workbook.Message, [], json, workbook.Message!.MessageId), at));
                        continue;
                    }
                    brokenWorkbooks++;
                    Console.WriteLine($"{"rejected",-10} {"(workbook: nothing sent)",-36}  {f}");
                    foreach (var problem in workbook.Problems) Console.WriteLine($"           {problem}");
                    continue;
                }
                // Bytes, not text: invalid UTF-8 is the reader's to report, per file, and the other files go on.
                IReadOnlyList<ReadSubmission> read;
                try
                {
                    read = SubmissionReader.ReadMany(File.ReadAllBytes(f));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    read = [new ReadSubmission(null, [new Contracts.RejectionReason("unreadable_file", "$", $"cannot read the file: {e.Message.ReplaceLineEndings(" ")}")], "", null)];
                }
                for (var i = 0; i < read.Count; i++) items.Add((read.Count == 1 ? f : $"{f}[{i}]", read[i], at));
            }
            if (items.Count == 0)
            {
                Console.WriteLine($"accepted 0, duplicate 0, rejected {brokenWorkbooks}");
                return 2;
            }

            var builder = CliSupport.CreateBuilder(parse);
            // Rejections are printed below with their reasons; the log need not repeat them.
            builder.Configuration["Logging:LogLevel:ChuyenDoiSo.Workers.Ingest"] = "Error";
            builder.AddReportingHub().AddMessaging();
            builder.Services.AddSingleton<LocalIngest>();
            using var host = builder.Build();
            await host.StartAsync(cancellationToken);
            var reports = await host.Services.GetRequiredService<LocalIngest>().SendAsync(items, TimeSpan.FromSeconds(30 + items.Count / 100), cancellationToken);
            await host.StopAsync(cancellationToken);

            foreach (var r in reports)
            {
                Console.WriteLine($"{r.Outcome,-10} {r.MessageId?.ToString() ?? "(no id)",-36}  {r.Source}");
                foreach (var reason in r.Reasons) Console.WriteLine($"           {reason.Field}: {reason.Message} [{reason.Code}]");
            }
            var counts = reports.GroupBy(r => r.Outcome).ToDictionary(g => g.Key, g => g.Count());
            Console.WriteLine($"accepted {counts.GetValueOrDefault("accepted")}, duplicate {counts.GetValueOrDefault("duplicate")}, rejected {counts.GetValueOrDefault("rejected") + counts.GetValueOrDefault("conflict") + brokenWorkbooks}" +
                              (counts.TryGetValue("unconfirmed", out var unconfirmed) ? $", unconfirmed {unconfirmed}" : ""));
            return brokenWorkbooks > 0 || reports.Any(r => r.Outcome is not ("accepted" or "duplicate")) ? 2 : 0;
        });
        return command;
    }

    private static List<string> Files(string? file, string? dir)
    {
        if (file is null && dir is null) throw new UserException("ingest needs --file F or --dir D");
        var files = new List<string>();
        if (file is not null)
        {
            if (!File.Exists(file)) throw new UserException($"--file {file}: no such file");
            files.Add(file);
        }
        if (dir is not null)
        {
            if (!Directory.Exists(dir)) throw new UserException($"--dir {dir}: no such folder");
            files.AddRange(Directory.EnumerateFiles(dir, "*.json").Concat(Directory.EnumerateFiles(dir, "*.xlsx")).Order(StringComparer.Ordinal));
        }
        return files;
    }

    public static Command Status()
    {
        var format = CliSupport.Format("table", "json", "table");
        var command = new Command("status", "Counts of accepted, duplicate and rejected updates, and the submission matrix (department × period)") { format };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var builder = CliSupport.CreateBuilder(parse);
            builder.AddReportingHub();
            using var host = builder.Build();
            var catalog = host.Services.GetRequiredService<PlanCatalog>();
            var database = host.Services.GetRequiredService<HubDatabase>();
            using var connection = database.Open();
            var queries = new IngestQueries(connection);
            var counts = queries.OutcomeCounts().ToDictionary(c => c.Outcome, c => c.Count);
            var firsts = queries.FirstReceipts();
            var matrix = catalog.Plans.Select(plan => new
            {
                plan = plan.Id,
                periods = catalog.CalendarFor(plan).Select(period => new
                {
                    period = period.Period,
                    departmentDueDate = period.DepartmentDueDate,
                    departments = SubmissionTimeliness.For(plan, period, IngestQueries.ForPeriod(firsts, plan.Id, period.Period))
                        .Select(s => new { department = s.Department.Code, status = s.Status, receivedAt = s.ReceivedAt })
                        .ToList(),
                }).ToList(),
            }).ToList();
            var options = CliSupport.Options(host.Services);
            // One level up, the communes' reports: how many came in, and commune × period on time, late or missing.
            var communeCounts = new Reporting.Rollup.RollupQueries(connection).OutcomeCounts().ToDictionary(c => c.Outcome, c => c.Count);
            var rollup = options.IsHigherLevel ? host.Services.GetRequiredService<Reporting.Rollup.RollupSetup>() : null;
            var communeMatrix = rollup is null ? null : new
            {
                body = rollup.Body.Id,
                periods = rollup.Calendar.Select(period =>
                {
                    // Timeliness only: the stored rows, no report parsed (the roll-up judges with the same StatusOf).
                    var stored = new Reporting.Rollup.RollupQueries(connection).Current(period.Period).ToDictionary(r => r.CommuneId, StringComparer.Ordinal);
                    return new
                    {
                        period = period.Period,
                        communeDueDate = period.Communes.AdjustedDueDate,
                        communes = rollup.Communes.Select(c =>
                        {
                            var report = stored.GetValueOrDefault(c.Id);
                            return new { commune = c.Id, status = Reporting.Rollup.RollupCompiler.StatusOf(report, period), receivedAt = report?.FirstReceivedAt, sends = report?.Sends ?? 0 };
                        }).ToList(),
                    };
                }).ToList(),
            };
            var rabbit = string.Equals(options.Transport, "RabbitMq", StringComparison.OrdinalIgnoreCase);
            var (queues, queueError) = rabbit ? await Broker.QueueStatus.ReadAsync(builder.Configuration, options, cancellationToken) : ([], null);
            var summary = new
            {
                transport = rabbit ? "RabbitMq" : "InMemory",
                queues = queues.Select(q => new { name = q.Name, ready = q.Ready, unacknowledged = q.Unacknowledged, consumers = q.Consumers }).ToList(),
                errorQueueMessages = queues.Where(q => q.Name.EndsWith("_error", StringComparison.Ordinal)).Sum(q => q.Ready),
                queueError,
                updates = new
                {
                    accepted = counts.GetValueOrDefault("accepted"),
                    duplicate = counts.GetValueOrDefault("duplicate"),
                    rejected = counts.GetValueOrDefault("rejected"),
                    conflict = counts.GetValueOrDefault("conflict"),
                    stored = queries.SubmissionCount(),
                },
                submissions = matrix,
                communeReports = new
                {
                    accepted = communeCounts.GetValueOrDefault("accepted"),
                    duplicate = communeCounts.GetValueOrDefault("duplicate"),
                    rejected = communeCounts.GetValueOrDefault("rejected"),
                    conflict = communeCounts.GetValueOrDefault("conflict"),
                },
                communeSubmissions = communeMatrix,
            };
            if (parse.GetValue(format) == "json")
            {
                Console.WriteLine(JsonSerializer.Serialize(summary, PlanJson.Indented));
                return 0;
            }
            if (rabbit)
            {
                Console.WriteLine(queueError is null
                    ? CliSupport.Table(["queue", "ready", "unacked", "consumers"], queues.Select(q => (IReadOnlyList<string>)[q.Name, I(q.Ready), I(q.Unacknowledged), I(q.Consumers)]))
                    : $"queues: unavailable ({queueError})");
            }
            Console.WriteLine($"updates: accepted {summary.updates.accepted}, duplicate {summary.updates.duplicate}, rejected {summary.updates.rejected}, conflict {summary.updates.conflict}; stored {summary.updates.stored}");
            if (communeMatrix is not null)
            {
                var c = summary.communeReports;
                Console.WriteLine($"commune reports ({communeMatrix.body}): accepted {c.accepted}, duplicate {c.duplicate}, rejected {c.rejected}, conflict {c.conflict}");
                var communes = communeMatrix.periods.SelectMany(p => p.communes.Select(x => x.commune)).Distinct().Order(StringComparer.Ordinal).ToList();
                Console.Write(CliSupport.Table(
                    ["commune", .. communeMatrix.periods.Select(p => p.period[5..])],
                    communes.Select(id => (IReadOnlyList<string>)[id, .. communeMatrix.periods.Select(p => Short(p.communes.FirstOrDefault(x => x.commune == id)?.status))])));
                return 0;
            }
            foreach (var plan in matrix)
            {
                Console.WriteLine();
                Console.WriteLine(plan.plan);
                var departments = plan.periods.SelectMany(p => p.departments.Select(d => d.department)).Distinct().Order(StringComparer.Ordinal).ToList();
                Console.Write(CliSupport.Table(
                    ["department", .. plan.periods.Select(p => p.period[5..])],
                    departments.Select(d => (IReadOnlyList<string>)[d, .. plan.periods.Select(p => Short(p.departments.FirstOrDefault(x => x.department == d)?.status))])));
            }
            return 0;
        });
        return command;
    }

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Short(string? status) => status switch
    {
        SubmissionStatus.OnTime => "ok",
        SubmissionStatus.Late => "LATE",
        SubmissionStatus.Missing => "--",
        _ => "",
    };
}
