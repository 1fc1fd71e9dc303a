namespace ChuyenDoiSo.Reporting.Tests;

/// <summary>
/// A theory over ../shared/seeds (the plans' source text, outside the repository): skipped, and reported as skipped
/// with the reason, where that folder is absent, instead of passing with nothing checked. xunit 2.9 has no dynamic
/// skip (Assert.Skip is xunit v3), so the skip is decided when the test is discovered.
/// </summary>
public sealed class SharedSeedsTheoryAttribute : TheoryAttribute
{
    public SharedSeedsTheoryAttribute()
    {
        if (!Directory.Exists(TestPaths.SharedSeeds))
            Skip = $"{TestPaths.SharedSeeds} is absent: the plans' source text is outside the repository, so the transcription cannot be checked here";
    }
}
