using System.CommandLine;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>The verbs: a contract users and later work rely on. Mistakes exit 2 with one line on stderr.</summary>
public static class HubCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("ChuyenDoiSo reporting hub: department updates in, official commune reports out.")
        {
            PlanCommands.Plans(),
            PlanCommands.Calendar(),
            PlanCommands.Validate(),
            IngestCommands.Ingest(),
            IngestCommands.Status(),
            CompileCommands.Compile(),
            DemoCommand.Demo(),
            DeliveryCommands.Schedule(),
            DeliveryCommands.Deliveries(),
            DeliveryCommands.Deliver(),
            ApprovalCommands.Drafts(),
            ApprovalCommands.Review(),
            ApprovalCommands.Approve(),
            VerifyCommand.Verify(),
            RunCommand.Run(),
            BenchCommand.Bench(),
            AccountsCommand.Accounts(),
            UsersCommand.Users(),
            PublishCommand.Publish(),
            WorkbookCommands.Template(),
        };
        root.Options.Add(CliSupport.Data);
        root.Options.Add(CliSupport.Seeds);
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line, naming every mistake (an unknown verb comes second, after "command not provided").
            // System.CommandLine's own wording names .NET types ("System.Int32"): said in words instead.
            var messages = parse.Errors.Select(e => CliSupport.WithoutTypeNames(CliSupport.OneLine(e.Message))).Distinct(StringComparer.Ordinal);
            Console.Error.WriteLine($"error: {string.Join("; ", messages)} (see --help)");
            return 2;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UserException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            // The same validator as at the build of each host (HubOptionsReader), met again by ValidateOnStart.
            Console.Error.WriteLine($"error: {string.Join("; ", e.Failures)}");
            return 2;
        }
        catch (Exception e) when (Find<HubDatabaseException>(e) is { } database)
        {
            // Damaged, not a database, locked, full, read-only: the operator's to fix, in one line, never a stack trace.
            Console.Error.WriteLine($"error: {database.Message}");
            return 2;
        }
        catch (Exception e) when (Find<Microsoft.Data.Sqlite.SqliteException>(e) is { } sqlite)
        {
            Console.Error.WriteLine($"error: {HubDatabaseException.Explain("the hub's database", sqlite)}");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Writing the output (stdout to /dev/full, a file) or reading an input failed: the environment's, said in one line.
            Console.Error.WriteLine($"error: {CliSupport.OneLine(e.Message)}");
            return 2;
        }
        catch (PlanFileException e)
        {
            foreach (var problem in e.Problems) Console.Error.WriteLine(problem);
            return 2;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("HUB_DEBUG") is null)
        {
            // A fault of ours, not the user's: one line, and HUB_DEBUG=1 shows the stack trace.
            Console.Error.WriteLine($"error: {e.GetType().Name}: {Wiring.Secrets.MaskUri(CliSupport.OneLine(e.Message))} (set HUB_DEBUG=1 for details)");
            return 1;
        }
    }

    /// <summary>The exception or one it wraps (a host's start wraps its services' failures in AggregateException).</summary>
    private static T? Find<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found) return found;
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Select(Find<T>).FirstOrDefault(x => x is not null) is { } inner) return inner;
        }
        return null;
    }
}
