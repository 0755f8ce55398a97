using System.Reflection;
using System.Text.RegularExpressions;
using Approvals.Pipeline.Cases;

namespace Approvals.Pipeline.Tests.Aggregate;

/// <summary>The case aggregate's rules that need no storage: the transition table, and that nobody else writes case rows.</summary>
public sealed class CaseAggregateTests
{
    private static IEnumerable<string> Constants(Type t) =>
        t.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!);

    [Fact]
    public void TransitionTable_KnowsEveryStatus()
    {
        CaseTransitions.CaseStatuses.Should().BeEquivalentTo(Constants(typeof(CaseStatus)));
        CaseTransitions.StepStatuses.Should().BeEquivalentTo(Constants(typeof(StepStatus)));
    }

    [Fact]
    public void TransitionTable_FinalStatusesGoNowhere_ButApprovedToIssued()
    {
        foreach (var from in Constants(typeof(CaseStatus)).Where(CaseStatus.IsFinal))
        {
            var moves = Constants(typeof(CaseStatus)).Where(to => to != from && CaseTransitions.CaseMay(from, to)).ToList();
            moves.Should().Equal(from == CaseStatus.Approved ? [CaseStatus.Issued] : [], $"{from} is final");
        }
    }

    [Fact]
    public void TransitionTable_IssuedOnlyFromApproved_WithdrawnNeverAfterADecision()
    {
        Constants(typeof(CaseStatus)).Where(from => from != CaseStatus.Issued && CaseTransitions.CaseMay(from, CaseStatus.Issued))
            .Should().Equal(CaseStatus.Approved);
        Constants(typeof(CaseStatus)).Where(from => from != CaseStatus.Withdrawn && CaseTransitions.CaseMay(from, CaseStatus.Withdrawn))
            .Should().OnlyContain(from => !CaseStatus.IsFinal(from));
        CaseTransitions.CaseMay(CaseStatus.Draft, CaseStatus.Approved).Should().BeFalse("a draft is never decided");
    }

    [Fact]
    public void TransitionTable_DecidedStepsAreClosed_EveryDecisionLeavesAnOpenTask()
    {
        foreach (var decided in Constants(typeof(StepStatus)).Where(StepStatus.IsDecided))
        {
            Constants(typeof(StepStatus)).Where(to => to != decided && CaseTransitions.StepMay(decided, to)).Should().BeEmpty($"{decided} is closed");
        }

        foreach (var decision in Constants(typeof(Decisions)))
        {
            CaseTransitions.StepMay(StepStatus.Pending, Decisions.StepStatusAfter(decision)).Should().BeTrue(decision);
        }
    }

    /// <summary>
    /// Only the aggregate writes the case table: no file outside <c>Cases/CaseStore*.cs</c> calls a write on the case
    /// table client (<c>PipelineStorage.Cases</c>) or a read-modify-write helper on it.
    /// </summary>
    [Fact]
    public void CaseTable_WrittenOnlyByTheAggregate()
    {
        var source = Path.Combine(RepositoryRoot(), "src", "Approvals.Pipeline");
        var write = new Regex(@"\.Cases\s*\.\s*(Add|Upsert|Update|Delete|Submit|TryAdd|Replace)\w*\s*[<(]|\bUpdate(Case|Department)Async\b|For\(\s*\w+\.Cases\b", RegexOptions.Compiled);
        var offenders = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => !Path.GetFileName(f).StartsWith("CaseStore", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => write.IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(source, x.f)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();
        offenders.Should().BeEmpty("case-partition rows are written only through CaseStore");

        // The scan finds what it looks for: the aggregate itself writes through these calls.
        var aggregate = File.ReadAllText(Path.Combine(source, "Cases", "CaseStore.cs"));
        write.IsMatch(aggregate).Should().BeTrue();
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Approvals.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Approvals.sln not found above " + AppContext.BaseDirectory);
    }
}
