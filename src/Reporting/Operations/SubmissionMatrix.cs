using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Operations;

/// <summary>
/// One cell: a department's standing for a period. Status is on_time, late, missing, pending (not due yet), returned (the
/// office sent its update back and no newer one came) or empty (not expected).
/// </summary>
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

    /// <summary>A department whose update the office sent back for the period (issue 14), until it sends a newer version.</summary>
    public const string Returned = "returned";

    /// <param name="returned">The (department, period) pairs sent back and not corrected yet; none: no approval.</param>
    public static SubmissionMatrixView For(Plan plan, IReadOnlyList<ReportingPeriod> periods, IReadOnlyList<PeriodReceiptRow> receipts, DateOnly today,
        IReadOnlyCollection<(string Department, string Period)>? returned = null)
    {
        var cells = new List<MatrixCell>();
        foreach (var period in periods)
        {
            foreach (var result in SubmissionTimeliness.For(plan, period, IngestQueries.ForPeriod(receipts, plan.Id, period.Period)))
            {
                // Before the departments' deadline nothing is missing or late yet: only on time (received) or not due yet.
                var status = returned?.Contains((result.Department.Code, period.Period)) == true ? Returned
                    : today > period.DepartmentDueDate || result.Status == SubmissionStatus.OnTime ? result.Status : Pending;
                cells.Add(new MatrixCell(result.Department.Code, period.Period, status, result.ReceivedAt));
            }
        }
        var departments = plan.Departments.Select(d => d.Code).Where(code => cells.Any(c => c.Department == code)).ToList();
        return new SubmissionMatrixView(plan.Id, periods, departments, cells);
    }
}
