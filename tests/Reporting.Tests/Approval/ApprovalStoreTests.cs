using ChuyenDoiSo.Reporting.Approval;
using ChuyenDoiSo.Reporting.Operations;
using Dapper;

namespace ChuyenDoiSo.Reporting.Tests.Approval;

/// <summary>The approval tables on a real SQLite file: states, returns, edits, each with its audit row, and the lock.</summary>
public sealed class ApprovalStoreTests : IDisposable
{
    private const string Plan = "binh-chuong-2026";
    private const string Period = "2026-Q1";
    private static readonly DateTimeOffset At = new(2026, 3, 5, 0, 0, 0, TimeSpan.FromHours(7));
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Draft_thenReturn_edit_ready_approve_keepsWhoAndWhen_andAnAuditRowEach()
    {
        using var connection = _db.Open();
        var store = new ApprovalStore(connection);

        Assert.True(store.SaveDraft(Plan, Period, [1, 2, 3], At, "hub"));
        store.Return(Plan, Period, "TTPVHCC", "Số hồ sơ trực tuyến lớn hơn tổng số hồ sơ", "vanphong", At.AddHours(1), ApprovalStates.Draft);
        store.Edit(Plan, Period, ApprovalSections.Difficulties, "Đường truyền chập chờn.", "vanphong", At.AddHours(2), ApprovalStates.Draft);
        store.Edit(Plan, Period, ApprovalSections.Difficulties, "Đường truyền còn chập chờn.", "vanphong", At.AddHours(3), ApprovalStates.Draft);
        store.MarkReady(Plan, Period, "vanphong", At.AddHours(4));
        Assert.True(store.Approve(Plan, Period, "chutich", At.AddHours(5)));

        var row = store.Find(Plan, Period)!;
        Assert.Equal((ApprovalStates.Approved, "vanphong", At.AddHours(4), "chutich", At.AddHours(5), At),
            (row.State, row.ReadyBy, row.ReadyAt!.Value, row.ApprovedBy, row.ApprovedAt!.Value, row.DraftCompiledAt!.Value));
        var returned = Assert.Single(store.Returns(Plan, Period));
        Assert.Equal(("TTPVHCC", "vanphong", At.AddHours(1)), (returned.Department, returned.ReturnedBy, returned.ReturnedAt));
        Assert.Equal(2, store.Edits(Plan, Period).Count);
        Assert.Equal("Đường truyền còn chập chờn.", store.CurrentEdits(Plan, Period)[ApprovalSections.Difficulties].Text);
        Assert.Equal(
            [("hub", "draft_compiled"), ("vanphong", "department_returned"), ("vanphong", "section_edited"), ("vanphong", "section_edited"), ("vanphong", "marked_ready"), ("chutich", "approved")],
            new AuditLog(connection).For(ApprovalStore.Target(Plan, Period)).Select(a => (a.Actor, a.Action)));
    }

    [Fact]
    public void Approved_isLocked_aNewDraftASecondApprovalAndAnEditChangeNothing()
    {
        using var connection = _db.Open();
        var store = new ApprovalStore(connection);
        store.SaveDraft(Plan, Period, [1], At, "hub");
        Assert.True(store.Approve(Plan, Period, "chutich", At.AddHours(1)));

        Assert.False(store.SaveDraft(Plan, Period, [9, 9], At.AddHours(2), "hub"));
        Assert.False(store.Approve(Plan, Period, "phochutich", At.AddHours(3)));
        Assert.False(store.Edit(Plan, Period, ApprovalSections.Proposals, "Sau phê duyệt.", "vanphong", At.AddHours(4), ApprovalStates.Draft));
        Assert.Empty(store.Edits(Plan, Period));

        Assert.Equal(new byte[] { 1 }, store.DraftPdf(Plan, Period));
        var row = store.Find(Plan, Period)!;
        Assert.Equal(("chutich", At.AddHours(1), At), (row.ApprovedBy, row.ApprovedAt!.Value, row.DraftCompiledAt!.Value));
        Assert.Single(new AuditLog(connection).For(ApprovalStore.Target(Plan, Period)), a => a.Action == "approved");
    }

    [Fact]
    public void Awaiting_listsDraftsNotApproved_andThoseTheSendTimeHeld_asOverdue_theGaugesCountingTheSameList()
    {
        using var connection = _db.Open();
        var store = new ApprovalStore(connection);
        store.SaveDraft(Plan, "2026-10", [1], At, "hub");
        store.SaveDraft(Plan, "2026-11", [1], At, "hub");
        store.MarkReady(Plan, "2026-11", "vanphong", At.AddHours(1));
        store.SaveDraft(Plan, Period, [1], At, "hub");
        store.Approve(Plan, Period, "chutich", At.AddHours(2));
        void Held(string period, string channel) => connection.Execute("""
            INSERT INTO deliveries (plan_id, period, recipient, channel, due_at, status, attempts, message_id)
            VALUES (@Plan, @period, 'x@y.example', @channel, '2026-11-12T10:00:00.0000000Z', 'awaiting_approval', 0, @channel || @period)
            """, new { Plan, period, channel });
        Held("2026-11", "email");
        Held("2026-11", "forward");
        Held("2026-09", "email"); // held without a stored draft (the hub was down at the cut-off)

        Assert.Equal(
            [("2026-09", ApprovalStates.Draft, true), ("2026-10", ApprovalStates.Draft, false), ("2026-11", ApprovalStates.Ready, true)],
            store.Awaiting().Select(a => (a.Period, a.State, a.Overdue)));
        Assert.Equal((3L, 2L), store.Counts());
    }

    [Fact]
    public void Deliveries_acceptAwaitingApproval_afterTheRebuild_andKeepEarlierRows()
    {
        using var before = new TestDatabase(through: 14);
        using (var connection = before.Open())
            connection.Execute("""
                INSERT INTO deliveries (plan_id, period, recipient, channel, due_at, status, attempts, message_id)
                VALUES ('p', '2026-01', 'a@b.example', 'email', '2026-01-12T10:00:00.0000000Z', 'sent', 1, 'm1')
                """);
        before.Database.Migrate();

        using var migrated = before.Open();
        migrated.Execute("""
            INSERT INTO deliveries (plan_id, period, recipient, channel, due_at, status, attempts, message_id)
            VALUES ('p', '2026-02', 'a@b.example', 'email', '2026-02-12T10:00:00.0000000Z', 'awaiting_approval', 0, 'm2')
            """);
        Assert.Equal(["sent", "awaiting_approval"], migrated.Query<string>("SELECT status FROM deliveries ORDER BY id"));
        Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => migrated.Execute("UPDATE deliveries SET status = 'approved' WHERE message_id = 'm1'"));
    }
}
