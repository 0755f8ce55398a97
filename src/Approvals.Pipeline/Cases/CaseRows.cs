using Azure;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Cases;

/// <summary>
/// Row keys of a case partition: <c>{caseId}|{kind}</c> — <c>case</c>, <c>view</c>, <c>dept|{departmentId}</c>,
/// <c>mat|{materialId}|{version:D4}</c>, <c>hook|{departmentId}|{webhook-id}</c>, <c>licence</c> — sorting by kind
/// within the partition as the kinds alone would. The case id is repeated although the partition already is the case:
/// the storage emulator (Azurite's LokiJS store) finds a row through its <c>RowKey</c> index and then compares the
/// <c>PartitionKey</c> of every row sharing that key, so a key like <c>case</c>, shared by every case, made each
/// operation on a case row cost time in proportion to all cases ever stored (measured with 500 cases: a read and a
/// two-row transaction cost the emulator 2.4–2.7 ms of CPU with shared keys, 1.55–1.7 ms with these). Azure Table
/// storage indexes both keys together, so there the prefix costs nothing but its bytes.
/// </summary>
internal static class CaseKeys
{
    /// <summary>The row key of <paramref name="kind"/> in the partition of <paramref name="caseId"/>.</summary>
    public static string Row(string caseId, string kind) => caseId + "|" + kind;

    /// <summary>The kind part of a case partition's row key (<c>case</c>, <c>dept|health</c>, …).</summary>
    public static string Kind(string rowKey) => rowKey[(rowKey.IndexOf('|', StringComparison.Ordinal) + 1)..];
}

/// <summary>
/// The case row (partition = case id, row = <c>{caseId}|case</c>). Together with the department, material and webhook rows
/// of the same partition it is the whole readable state of a case: <c>GET /api/applications/{id}</c> is one
/// partition query, never a history replay. Activities keep it current; callbacks write the department rows.
/// </summary>
internal sealed class CaseRow : ITableEntity
{
    public const string Kind = "case";

    public static string KeyOf(string caseId) => CaseKeys.Row(caseId, Kind);

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Number { get; set; } = "";
    public string ApplicantSubject { get; set; } = "";
    /// <summary>JSON of <see cref="ApplicantDetails"/> (personal data: never logged).</summary>
    public string ApplicantJson { get; set; } = "{}";
    public string FormJson { get; set; } = "{}";
    public string LicenceTypeId { get; set; } = "";
    /// <summary>The catalogue version pinned when the draft was created.</summary>
    public string LicenceTypeVersion { get; set; } = "";
    public string Jurisdiction { get; set; } = "";
    /// <summary>The calendar version pinned at submission; every working-day computation of the case uses it.</summary>
    public string? CalendarVersion { get; set; }
    public string Status { get; set; } = CaseStatus.Draft;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }
    public bool DeemedAccepted { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public DateTimeOffset? WithdrawnAt { get; set; }
    /// <summary>
    /// A withdrawal the applicant asked for and the case accepted (committed under the case row's ETag before any
    /// decision): from then on the case can only end Withdrawn. The orchestration is told by an event and, whatever
    /// became of the event, reads this when it decides (<see cref="CaseStore.DecideAsync"/>).
    /// </summary>
    public DateTimeOffset? WithdrawalRequestedAt { get; set; }
    public string? WithdrawalRequestedBy { get; set; }
    /// <summary>When the set of materials last changed (an upload's commit bumps the case row's ETag with it).</summary>
    public DateTimeOffset? MaterialsChangedAt { get; set; }
    /// <summary>
    /// The new task id of the step that last stopped accepting uploads (its supplement request answered in full):
    /// written with that step row, only to move this row's ETag, which orders uploads against the change.
    /// </summary>
    public string? LastResumedTask { get; set; }
    /// <summary>JSON list of case-level clock events (see <see cref="ClockEventDto"/>).</summary>
    public string ClockJson { get; set; } = "[]";
    /// <summary>JSON list of department ids whose supplement request currently pauses the case clock.</summary>
    public string PausedByJson { get; set; } = "[]";
    /// <summary>JSON list of reasons (rejection or refusal to accept), each with its department.</summary>
    public string ReasonsJson { get; set; } = "[]";
    public string? LicenceNumber { get; set; }
    public int AlertLevel { get; set; }
}

/// <summary>One department step (partition = case id, row = <c>{caseId}|dept|{departmentId}</c>), the service centre included.</summary>
internal sealed class DepartmentRow : ITableEntity
{
    public const string KindPrefix = "dept|";

    public static string KeyFor(string caseId, string departmentId) => CaseKeys.Row(caseId, KindPrefix + departmentId);

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string DepartmentId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Role { get; set; } = "";
    /// <summary>The case's licence type and its pinned version (copied from the case row: the callback needs only this row).</summary>
    public string LicenceTypeId { get; set; } = "";
    public string LicenceTypeVersion { get; set; } = "";
    /// <summary>The orchestration instance that waits for this department's decision events.</summary>
    public string InstanceId { get; set; } = "";
    /// <summary>The current task id; callbacks naming another one are stale (409).</summary>
    public string TaskId { get; set; } = "";
    public string Status { get; set; } = StepStatus.Pending;
    public DateTimeOffset ReceivedAt { get; set; }
    public int LimitWorkingDays { get; set; }
    public int FollowUpWorkingDays { get; set; }
    public string ClockJson { get; set; } = "[]";
    public string? Decision { get; set; }
    public string ReasonsJson { get; set; } = "[]";
    public string? Officer { get; set; }
    public string? Comment { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public int AlertLevel { get; set; }
    /// <summary>The task id the open supplement request was made on (events carry it to filter stale uploads).</summary>
    public string? SupplementRequestId { get; set; }
    public string RequiredMaterialsJson { get; set; } = "[]";
    public string ProvidedMaterialsJson { get; set; } = "[]";
    public DateTimeOffset? SupplementRequestedAt { get; set; }
    public string? WebhookFailure { get; set; }
    public DateTimeOffset? WebhookFailedAt { get; set; }
    /// <summary>
    /// The officer (token subject) holding the task as a work item: set and cleared only by
    /// <c>Departments.TaskAssignments</c> under the row's ETag; kept across supplement rounds. A decision by token
    /// requires it to be the deciding officer, checked in the same ETag-guarded write that records the decision.
    /// </summary>
    public string? Assignee { get; set; }
    public DateTimeOffset? AssignedAt { get; set; }
    public string? AssignedBy { get; set; }
    /// <summary>Counts assignment changes: keys their timeline entries and orders their copies in the inbox.</summary>
    public int AssignmentVersion { get; set; }
    /// <summary>How <see cref="Officer"/> is known: <c>officer</c> (a token's subject) or <c>back-office</c> (the back office's own claim); null before either.</summary>
    public string? DecidedVia { get; set; }
    /// <summary>
    /// The answer row (<see cref="WebhookAnswerRow"/>) of the call that claimed the task's decision: its stored event
    /// is the one the orchestration must receive. The claim commits first and the event is raised after it, so a
    /// crash in between loses the event; a later call on the decided task and the orchestration's own timers find
    /// the decision through this key (<c>CaseStore.ClaimedDecisionAsync</c>).
    /// </summary>
    public string? ClaimedBy { get; set; }
    /// <summary>
    /// The service centre's acceptance step only: when the application counts as accepted (Art. 32, no 一次性告知
    /// within five working days of receipt). The decision endpoint refuses the centre's decisions from then on, and
    /// the orchestration's timer for the same instant closes the task <c>DeemedAccepted</c>: both read one instant.
    /// </summary>
    public DateTimeOffset? DeemedAcceptedAt { get; set; }

    /// <summary>A shallow copy (every property is a string or a value).</summary>
    public DepartmentRow Copy() => (DepartmentRow)MemberwiseClone();
}

/// <summary>One uploaded version of a material (partition = case id, row = <c>{caseId}|mat|{materialId}|{version:D4}</c>).</summary>
internal sealed class MaterialRow : ITableEntity
{
    public const string KindPrefix = "mat|";

    public static string KeyFor(string caseId, string materialId, int version) => CaseKeys.Row(caseId, $"{KindPrefix}{materialId}|{version:D4}");

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string MaterialId { get; set; } = "";
    public int Version { get; set; }
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "";
    public long Size { get; set; }
    public string Sha256 { get; set; } = "";
    public string BlobName { get; set; } = "";
    public DateTimeOffset UploadedAt { get; set; }
}

/// <summary>
/// The first answer given to a callback (partition = case id, row = <c>{caseId}|hook|{departmentId}|{webhook-id}</c>):
/// a repeated <c>webhook-id</c> gets exactly this answer again and changes nothing.
/// </summary>
internal sealed class WebhookAnswerRow : ITableEntity
{
    public static string KeyFor(string caseId, string departmentId, string webhookId) => CaseKeys.Row(caseId, $"hook|{departmentId}|{Storage.TableKeys.Escape(webhookId)}");

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int StatusCode { get; set; }
    public string Body { get; set; } = "";
    public string ContentType { get; set; } = "application/json";
    /// <summary>For accepted decisions: the event to (re-)raise, so a retry after a crash still reaches the orchestration.</summary>
    public string? EventInstanceId { get; set; }
    public string? EventJson { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>When a later call raised this answer's event again; calls after that raise nothing (see <c>CaseStore.ClaimToRaiseAgainAsync</c>).</summary>
    public DateTimeOffset? ReRaisedAt { get; set; }
}

/// <summary>What an applicant states about themselves.</summary>
internal sealed record ApplicantDetails(string Name, string IdNumber, string Phone, string? Email);

/// <summary>A reason given by a department (rejection, refusal to accept).</summary>
internal sealed record ReasonDto(string DepartmentId, string Reason);
