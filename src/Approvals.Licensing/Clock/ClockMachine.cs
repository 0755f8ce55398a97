using Approvals.Licensing.Calendar;

namespace Approvals.Licensing.Clock;

/// <summary>
/// Replays clock events. The count is kept as "working days used before the current segment" (U)
/// plus an anchor date A: while running, the working days after A are being counted.
/// </summary>
internal sealed class ClockMachine(WorkingCalendar calendar, ClockRules rules)
{
    private enum Phase { None, AwaitingAcceptance, AwaitingSupplement, Running, Paused, Stopped }

    private Phase _phase = Phase.None;
    private ClockEvent? _last;
    private DateTimeOffset? _windowStart;     // receipt of (complete) materials: starts the Art. 32 window
    private DateTimeOffset? _deemedAt;        // when deemed acceptance happens / happened
    private bool _deemed;
    private DateOnly? _startDate;
    private DateOnly _anchor;                 // counting runs on working days strictly after this date
    private DateTimeOffset _segmentStart;     // when the current running segment began
    private int _used;                        // working days used before the current segment (the pause day included)
    private int _completed;                   // of those, the days that had fully ended before the pause began
    private int _limit = rules.LimitWorkingDays;
    private int _extension;
    private DateOnly? _passedDue;             // the due date, once the count has reached the limit
    private PauseReason? _pausedFor;
    private string? _pauseBasis;
    private DateTimeOffset? _decidedAt;
    private bool? _onTime;
    private DateOnly? _finalDue;

    public void Apply(ClockEvent e)
    {
        // At-least-once delivery can record the same event twice; an exact repeat changes nothing.
        if (e.Equals(_last))
        {
            return;
        }

        ApplyDeemedAcceptance(e.At);
        if (_phase == Phase.Stopped)
        {
            throw new ClockRuleException($"{Name(e)} at {e.At:O}: the clock was already stopped by a decision.", e);
        }

        switch (e)
        {
            case Submitted s: OnSubmitted(s); break;
            case Accepted a: OnAccepted(a); break;
            case Paused p: OnPaused(p); break;
            case Resumed r: OnResumed(r); break;
            case Extended x: OnExtended(x); break;
            case Decided d: OnDecided(d); break;
            default: throw new ClockRuleException($"Unknown clock event {e.GetType().Name}.", e);
        }

        _last = e;
    }

    public ClockState StateAt(DateTimeOffset now)
    {
        ApplyDeemedAcceptance(now);
        var deemedAt = _phase == Phase.AwaitingAcceptance || _deemed ? _deemedAt : null;
        switch (_phase)
        {
            case Phase.Running:
            {
                var today = calendar.LocalDate(now);
                var used = _used + (today > _anchor ? Math.Max(0, calendar.WorkingDaysBetween(_anchor, today.AddDays(-1))) : 0);
                var warningAt = InstantUsedReaches(_limit - rules.WarningWorkingDays);
                var overdueAt = InstantUsedReaches(_limit);
                var redAt = InstantUsedReaches(_limit + rules.FollowUpWorkingDays);
                var alert = now >= redAt ? AlertLevel.Red
                    : now >= overdueAt ? AlertLevel.Yellow
                    : now >= warningAt ? AlertLevel.Warning
                    : AlertLevel.None;
                return new ClockState(ClockStatus.Running, _startDate, RunningDueDate(), used, _limit, _limit - used, null, null, alert, warningAt, overdueAt, redAt, deemedAt)
                {
                    ExtensionWorkingDays = _extension,
                };
            }

            case Phase.Paused:
            {
                // A breach committed before the pause stays visible; nothing can newly fall due while paused.
                var alert = _completed >= _limit + rules.FollowUpWorkingDays ? AlertLevel.Red
                    : _completed >= _limit ? AlertLevel.Yellow
                    : AlertLevel.None;
                return new ClockState(ClockStatus.Paused, _startDate, _passedDue, _used, _limit, _limit - _used, _pausedFor, _pauseBasis, alert, null, null, null, deemedAt)
                {
                    ExtensionWorkingDays = _extension,
                };
            }

            case Phase.Stopped:
                return new ClockState(ClockStatus.Stopped, _startDate, _finalDue, _used, _limit, _limit - _used, null, null, AlertLevel.None, null, null, null, deemedAt)
                {
                    ExtensionWorkingDays = _extension,
                    DecidedAt = _decidedAt,
                    DecidedOnTime = _onTime,
                };

            default:
                return new ClockState(ClockStatus.NotStarted, null, null, 0, _limit, _limit, _pausedFor, _pauseBasis, AlertLevel.None, null, null, null, deemedAt)
                {
                    DecidedAt = _decidedAt,
                };
        }
    }

    private void OnSubmitted(Submitted s)
    {
        if (_phase is not (Phase.None or Phase.AwaitingAcceptance or Phase.AwaitingSupplement))
        {
            throw new ClockRuleException($"Submitted at {s.At:O}: the application was already accepted.", s);
        }

        OpenAcceptanceWindow(s.At);
    }

    private void OnAccepted(Accepted a)
    {
        if (_deemed)
        {
            // Deemed acceptance already started the clock from the day of receipt; a late formal
            // acceptance must not move the start later to the applicant's disadvantage.
            return;
        }

        if (_phase is not (Phase.None or Phase.AwaitingAcceptance or Phase.AwaitingSupplement))
        {
            throw new ClockRuleException($"Accepted at {a.At:O}: already accepted.", a);
        }

        // Accepting ends any 一次性告知 wait: acceptance itself says the materials are complete.
        StartCounting(a.At);
    }

    private void OnPaused(Paused p)
    {
        switch (_phase)
        {
            case Phase.AwaitingAcceptance:
                // Before acceptance a pause is the 一次性告知 (Art. 32): deemed acceptance no longer applies.
                _phase = Phase.AwaitingSupplement;
                _deemedAt = null;
                break;
            case Phase.Running:
                var day = calendar.LocalDate(p.At);
                if (_passedDue is null && p.At >= InstantUsedReaches(_limit))
                {
                    _passedDue = RunningDueDate();
                }

                // The pause day counts as used (the authority had it), but it has not ended: thresholds
                // reached only by counting it are not breaches (see InstantUsedReaches).
                _completed = _used + (day > _anchor ? Math.Max(0, calendar.WorkingDaysBetween(_anchor, day.AddDays(-1))) : 0);
                _used += Math.Max(0, calendar.WorkingDaysBetween(_anchor, day));
                _phase = Phase.Paused;
                break;
            case Phase.Paused or Phase.AwaitingSupplement:
                throw new ClockRuleException($"Paused at {p.At:O}: the clock is already paused ({_pausedFor}).", p);
            default:
                throw new ClockRuleException($"Paused at {p.At:O}: nothing was submitted or accepted.", p);
        }

        _pausedFor = p.Reason;
        _pauseBasis = p.LegalBasis;
    }

    private void OnResumed(Resumed r)
    {
        switch (_phase)
        {
            case Phase.AwaitingSupplement:
                // The supplemented materials were received: a new acceptance window opens.
                OpenAcceptanceWindow(r.At);
                break;
            case Phase.Paused:
                _phase = Phase.Running;
                _anchor = calendar.LocalDate(r.At);
                _segmentStart = r.At;
                break;
            default:
                throw new ClockRuleException($"Resumed at {r.At:O}: the clock is not paused.", r);
        }

        _pausedFor = null;
        _pauseBasis = null;
    }

    private void OnExtended(Extended x)
    {
        if (_phase is not (Phase.Running or Phase.Paused))
        {
            throw new ClockRuleException($"Extended at {x.At:O}: only a running or paused clock can be extended.", x);
        }

        if (_extension > 0)
        {
            throw new ClockRuleException($"Extended at {x.At:O}: the limit was already extended once (Art. 42 allows one extension).", x);
        }

        if (x.WorkingDays < 1 || x.WorkingDays > rules.MaxExtensionWorkingDays)
        {
            throw new ClockRuleException($"Extended at {x.At:O}: {x.WorkingDays} working days is outside 1–{rules.MaxExtensionWorkingDays} (Art. 42).", x);
        }

        var expired = _phase == Phase.Paused ? _completed >= _limit : x.At >= InstantUsedReaches(_limit);
        if (expired)
        {
            throw new ClockRuleException($"Extended at {x.At:O}: the limit expired before the extension (Art. 42: extensions are granted within the limit).", x);
        }

        _extension = x.WorkingDays;
        _limit += x.WorkingDays;
    }

    private void OnDecided(Decided d)
    {
        if (_phase == Phase.Running)
        {
            _finalDue = RunningDueDate();
            _onTime = d.At < InstantUsedReaches(_limit);
            _used += Math.Max(0, calendar.WorkingDaysBetween(_anchor, calendar.LocalDate(d.At)));
        }
        else if (_phase == Phase.Paused)
        {
            _finalDue = _passedDue;
            _onTime = _completed < _limit;
        }

        _phase = Phase.Stopped;
        _decidedAt = d.At;
        _pausedFor = null;
        _pauseBasis = null;
    }

    private void OpenAcceptanceWindow(DateTimeOffset receivedAt)
    {
        _phase = Phase.AwaitingAcceptance;
        _windowStart = receivedAt;
        _deemedAt = calendar.EndOfDay(calendar.AddWorkingDays(calendar.LocalDate(receivedAt), rules.DeemedAcceptanceWorkingDays));
    }

    private void ApplyDeemedAcceptance(DateTimeOffset at)
    {
        if (_phase == Phase.AwaitingAcceptance && _deemedAt is { } deemedAt && at >= deemedAt)
        {
            // Art. 32: 逾期不告知的，自收到申请材料之日起即为受理 — accepted as of receipt.
            _deemed = true;
            StartCounting(_windowStart!.Value);
        }
    }

    private void StartCounting(DateTimeOffset acceptedAt)
    {
        _phase = Phase.Running;
        _anchor = calendar.LocalDate(acceptedAt);
        _startDate = calendar.NextWorkingDay(_anchor);
        _segmentStart = acceptedAt;
        _used = 0;
        _completed = 0;
        _pausedFor = null;
        _pauseBasis = null;
    }

    /// <summary>
    /// The due date of a running clock. When the limit ran out on the day a pause began, the rest of
    /// that day carries over to the resume day, so a pause on the due date never brings the deadline
    /// earlier.
    /// </summary>
    private DateOnly RunningDueDate() =>
        _limit > _used ? calendar.AddWorkingDays(_anchor, _limit - _used)
        : _passedDue ?? _anchor;

    /// <summary>
    /// The instant the count reaches <paramref name="k"/> working days: the end of the local day on which
    /// the k-th working day ends. A threshold already passed before this segment (a breach committed
    /// before a pause) applies again from the segment start.
    /// </summary>
    private DateTimeOffset InstantUsedReaches(int k) =>
        k <= _completed ? _segmentStart : calendar.EndOfDay(calendar.AddWorkingDays(_anchor, Math.Max(0, k - _used)));

    private static string Name(ClockEvent e) => e.GetType().Name;
}
