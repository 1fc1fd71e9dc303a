using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>
/// The checks every verb's values go through, so a bad value is one line naming the option at parse time (exit 2), never
/// a .NET type name, a hang on a FIFO or a file written into the wrong place. Numbers, years, files to read, folders,
/// files to write; and writing itself, whose failures (a full disk, /dev/full, a read-only place) are one line too.
/// </summary>
public static partial class CliSupport
{
    /// <summary>--name N: a whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int> WholeNumber(string name, string description, int defaultValue, int min = 1, int max = int.MaxValue) =>
        new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r => r.Tokens.Count == 0 ? defaultValue : ParseWhole(r, name, min, max) ?? defaultValue,
        };

    /// <summary>--year YYYY, optional: 2000 to 2100, the years a plan can have.</summary>
    public static Option<int?> Year(string description) =>
        new("--year") { Description = description, CustomParser = r => r.Tokens.Count == 0 ? null : ParseWhole(r, "--year", 2000, 2100) };

    private static int? ParseWhole(ArgumentResult r, string name, int min, int max)
    {
        var text = r.Tokens[0].Value;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
        r.AddError($"{name} \"{Shorten(text)}\" is not a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
        return null;
    }

    /// <summary>A file to read: it exists, is a regular file (not a folder, a FIFO or a device) and can be opened.</summary>
    public static Option<T> InputFile<T>(Option<T> option)
    {
        option.Validators.Add(r => Report(r, InputFileProblem(option.Name, r.GetValueOrDefault<string?>())));
        return option;
    }

    /// <inheritdoc cref="InputFile{T}(Option{T})"/>
    public static Argument<string> InputFile(Argument<string> argument)
    {
        argument.Validators.Add(r => Report(r, InputFileProblem(argument.Name, r.GetValueOrDefault<string?>())));
        return argument;
    }

    /// <summary>A folder to read: it exists and is a folder.</summary>
    public static Option<string?> InputFolder(Option<string?> option)
    {
        option.Validators.Add(r => Report(r, r.GetValueOrDefault<string?>() is { } path ? InputFolderProblem(option.Name, path) : null));
        return option;
    }

    /// <summary>The data folder: not empty (that would write into the current folder), not a file, created when missing.</summary>
    public static Option<string?> DataFolder(Option<string?> option)
    {
        option.Validators.Add(r => Report(r, r.GetValueOrDefault<string?>() is { } path ? OutputFolderProblem(option.Name, path) : null));
        return option;
    }

    /// <summary>A folder to write into (created when missing): not empty, not a file, under a folder that exists.</summary>
    public static Option<string?> OutputFolder(Option<string?> option) => DataFolder(option);

    /// <summary>A file to write: not empty, not a folder, in a folder that exists and can be written.</summary>
    public static Option<string?> OutputFile(Option<string?> option)
    {
        option.Validators.Add(r => Report(r, r.GetValueOrDefault<string?>() is { } path ? OutputFileProblem(option.Name, path) : null));
        return option;
    }

    private static void Report(SymbolResult result, string? problem)
    {
        if (problem is not null) result.AddError(problem);
    }

    public static string? InputFileProblem(string name, string? path)
    {
        if (path is null) return null;
        if (path.Trim().Length == 0) return $"{name} is empty; expected a file";
        if (Directory.Exists(path)) return $"{name} {Shorten(path)} is a folder; expected a file";
        if (!File.Exists(path)) return $"{name} {Shorten(path)}: no such file";
        if (FileKindOf(path) is { } kind && kind != "file") return $"{name} {Shorten(path)} is a {kind}, not a regular file; expected a file";
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{name} {Shorten(path)} cannot be read: {OneLine(e.Message)}";
        }
        return null;
    }

    public static string? InputFolderProblem(string name, string path)
    {
        if (path.Trim().Length == 0) return $"{name} is empty; expected a folder";
        if (File.Exists(path)) return $"{name} {Shorten(path)} is a file; expected a folder";
        return Directory.Exists(path) ? null : $"{name} {Shorten(path)}: no such folder";
    }

    public static string? OutputFolderProblem(string name, string path)
    {
        if (path.Trim().Length == 0) return $"{name} is empty; expected a folder (it is created when missing)";
        if (File.Exists(path)) return $"{name} {Shorten(path)} is a file; expected a folder";
        if (Directory.Exists(path)) return null;
        var parent = ExistingAncestor(Path.GetFullPath(path));
        if (parent is null) return $"{name} {Shorten(path)}: no folder above it exists";
        if (File.Exists(parent)) return $"{name} {Shorten(path)}: {Shorten(parent)} is a file, not a folder";
        return null;
    }

    public static string? OutputFileProblem(string name, string path)
    {
        if (path.Trim().Length == 0) return $"{name} is empty; expected a file path";
        if (Directory.Exists(path) || Path.EndsInDirectorySeparator(path)) return $"{name} {Shorten(path)} is a folder; expected a file path";
        var full = Path.GetFullPath(path);
        var parent = Path.GetDirectoryName(full) ?? full;
        if (File.Exists(parent)) return $"{name} {Shorten(path)}: {Shorten(parent)} is a file, not a folder";
        if (!Directory.Exists(parent)) return $"{name} {Shorten(path)}: folder {Shorten(parent)} does not exist";
        try
        {
            if (File.Exists(full))
            {
                // Opened for writing without truncating: the file is only replaced once the report is ready.
                using var handle = File.OpenHandle(full, FileMode.Open, FileAccess.Write);
            }
            else
            {
                using var probe = new FileStream(Path.Combine(parent, $".hub-write-probe-{Environment.ProcessId}"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{name} {Shorten(path)} cannot be written: {OneLine(e.Message)}";
        }
        return null;
    }

    /// <summary>
    /// Writes a file the user named; a failure (no space left, /dev/full, permission, a folder in the way) is one line
    /// naming <paramref name="what"/>, and a partly written regular file is removed rather than left looking complete.
    /// </summary>
    public static async Task WriteFileAsync(string what, string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var created = !File.Exists(path);
        try
        {
            await using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                await write(stream, cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (created && FileKindOf(path) == "file") TryDelete(path);
            throw new UserException($"{what} {Shorten(path)} could not be written: {OneLine(e.Message)}");
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing more to do: the one line already says the write failed.
        }
    }

    private static string? ExistingAncestor(string path)
    {
        for (var dir = Path.GetDirectoryName(path); dir is not null; dir = Path.GetDirectoryName(dir))
            if (Directory.Exists(dir) || File.Exists(dir)) return dir;
        return null;
    }

    /// <summary>A user's value as it may appear in a message: one line, at most 120 characters.</summary>
    public static string Shorten(string text)
    {
        var line = OneLine(text);
        return line.Length <= 120 ? line : line[..117] + "...";
    }

    public static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>
    /// file, folder, FIFO, character device, block device, socket or symbolic link, from stat(2) (following links);
    /// null where it cannot be told (not Unix, or the call failed). File.Exists is true for a FIFO, whose open blocks.
    /// </summary>
    public static string? FileKindOf(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return File.Exists(path) ? "file" : Directory.Exists(path) ? "folder" : null;
        try
        {
            // .NET's own native shim (libSystem.Native): its FileStatus layout is the same on every architecture; Mode is the second int.
            var status = new byte[512];
            if (NativeMethods.Stat(path, status) != 0) return null;
            return (BitConverter.ToInt32(status, 4) & 0xF000) switch
            {
                0x8000 => "file",
                0x4000 => "folder",
                0x1000 => "FIFO",
                0x2000 => "character device",
                0x6000 => "block device",
                0xC000 => "socket",
                0xA000 => "symbolic link",
                _ => null,
            };
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>System.CommandLine's own messages, with the .NET type names it prints said in words.</summary>
    public static string WithoutTypeNames(string message)
    {
        var text = CannotParse().Replace(message, m => $"{m.Groups["symbol"].Value} \"{Shorten(m.Groups["value"].Value)}\" is not {Kind(m.Groups["type"].Value)}");
        return TypeName().Replace(text, m => Kind(m.Value.Trim('\'')));
    }

    private static string Kind(string type) => type switch
    {
        _ when type.Contains("Int", StringComparison.Ordinal) => "a whole number",
        _ when type.Contains("Double", StringComparison.Ordinal) || type.Contains("Decimal", StringComparison.Ordinal) => "a number",
        _ when type.Contains("Boolean", StringComparison.Ordinal) => "true or false",
        _ when type.Contains("Date", StringComparison.Ordinal) => "a date",
        _ => "a valid value",
    };

    [GeneratedRegex(@"Cannot parse argument '(?<value>.*)' for (?:option|command|argument) '(?<symbol>[^']*)' as expected type '(?<type>[^']*)'\.?")]
    private static partial Regex CannotParse();

    [GeneratedRegex(@"'?System\.[A-Za-z0-9_.`\[\], ]+'?")]
    private static partial Regex TypeName();

    private static class NativeMethods
    {
        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
        public static extern int Stat(byte[] utf8Path, [Out] byte[] status);

        public static int Stat(string path, byte[] status) => Stat([.. System.Text.Encoding.UTF8.GetBytes(path), 0], status);
    }
}
