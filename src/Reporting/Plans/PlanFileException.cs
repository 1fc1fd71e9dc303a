namespace ChuyenDoiSo.Reporting.Plans;

/// <summary>A problem in a plan or holiday file: which file, where in it (JSON path), and what was expected.</summary>
public sealed record PlanProblem(string File, string Path, string Message, bool IsWarning = false)
{
    public override string ToString() => $"{(IsWarning ? "warning" : "error")}: {File}: {Path}: {Message}";
}

/// <summary>Thrown when a plan or holiday file cannot be used; the message lists every problem.</summary>
public sealed class PlanFileException : Exception
{
    public PlanFileException(IReadOnlyList<PlanProblem> problems)
        : base(string.Join(Environment.NewLine, problems.Select(p => p.ToString())))
    {
        Problems = problems;
    }

    public PlanFileException(string file, string path, string message)
        : this([new PlanProblem(file, path, message)])
    {
    }

    public PlanFileException()
        : this([])
    {
    }

    public PlanFileException(string message)
        : this("", "$", message)
    {
    }

    public PlanFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [new PlanProblem("", "$", message)];
    }

    public IReadOnlyList<PlanProblem> Problems { get; } = [];
}
