using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Signing;

namespace ChuyenDoiSo.Workers.Approval;

/// <summary>
/// A report that may need approval, whichever level issues it: a commune's report for a plan's period, or a higher body's
/// roll-up. What approval does with it (draft, notices, hold, approve, lock) is one piece of code, <see cref="ApprovalService"/>;
/// the subject says only how this report is drafted, issued and sent.
/// </summary>
/// <param name="Id">The plan's or the body's id: the approvals rows and the users (`users add --plan`) are keyed by it.</param>
/// <param name="PeriodText">The period in words, "tháng 11 năm 2026".</param>
/// <param name="Sender">Who the notices come from: "UBND Xã Bình Chương", or the body's name.</param>
/// <param name="ReviewLink">The review page of the draft; null where there is none (a roll-up is approved on the command line).</param>
/// <param name="DraftPdf">The draft as it stands now, marked DỰ THẢO on every page, dated the given day.</param>
/// <param name="OpenSigners">The certificates of this issue, the signer's opened with the password typed at approval where the plan asks for it; dispose after.</param>
/// <param name="Issue">
/// Issues it with those signers (its number, both signatures, stored); with correction, a replacement under a new number
/// naming the current one; returns the number.
/// </param>
/// <param name="Deliver">Sends it on every channel that has not had it (the ledger's); with resend, on every channel again.</param>
public sealed record ApprovalSubject(
    string Id,
    string Period,
    string PeriodText,
    string Sender,
    bool RequiresApproval,
    DateTimeOffset DraftAt,
    DateTimeOffset SendAt,
    string? ReviewLink,
    Func<DateOnly, byte[]> DraftPdf,
    Func<string?, SigningLease> OpenSigners,
    Func<ReportSigners, bool, CancellationToken, Task<string>> Issue,
    Func<bool, CancellationToken, Task<IReadOnlyList<DeliveryOutcome>>> Deliver);
