using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Operations;

/// <summary>One cell: a department's standing for a period. Status is on_time, late, missing, pending (not due yet) or empty (not expected).</summary>
public sealed record MatrixCell(string Department, string Period, string Status, DateTimeOffset? ReceivedAt);

/// <summary>The submission matrix (ma trận nộp báo cáo) of one plan: department × period.</summary>
public sealed record SubmissionMatrixView(string PlanId, IReadOnlyList<ReportingPeriod> Periods, IReadOnlyList<string> Departments, IReadOnlyList<MatrixCell> Cells)
{
    public MatrixCell? Cell(string department, string period) => Cells.FirstOrDefault(c => c.Department == department && c.Period == period);
}

/// <summary>Builds the matrix from the calendar and the first receipts. Pure: "today" is an input.</summary>
public static class SubmissionMatrix
{
    /// <summary>A department expected for a period that has not reported while its deadline is still ahead.</summary>
    public const string Pending = "pending";

    public static SubmissionMatrixView For(Plan plan, IReadOnlyList<ReportingPeriod> periods, IReadOnlyList<PeriodReceiptRow> receipts, DateOnly today)
    {
        var cells = new List<MatrixCell>();
        foreach (var period in periods)
        {
            foreach (var result in SubmissionTimeliness.For(plan, period, IngestQueries.ForPeriod(receipts, plan.Id, period.Period)))
            {
                // Before the departments' deadline nothing is missing or late yet: only on time (received) or not due yet.
                var status = today > period.DepartmentDueDate || result.Status == SubmissionStatus.OnTime ? result.Status : Pending;
                cells.Add(new MatrixCell(result.Department.Code, period.Period, status, result.ReceivedAt));
            }
        }
        var departments = plan.Departments.Select(d => d.Code).Where(code => cells.Any(c => c.Department == code)).ToList();
        return new SubmissionMatrixView(plan.Id, periods, departments, cells);
    }
}
