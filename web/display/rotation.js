// A display's rotation as the organiser set it (display.config, docs/protocol.md "Displays"):
// which view is on at a given moment and how long until the next. Pure: the clock is passed in.
// Reckoning from the moment the rotation started, rather than counting timer ticks, keeps every
// view's time exact even when the browser runs timers late (as it does in background tabs).

/**
 * The view on at `now_ms` of `views` ([{topic, seconds}], at least one) started at `started_ms`:
 * {index, view, next, left_ms (until the next), fraction (of this view's time gone)}.
 */
export function rotation_at(views, started_ms, now_ms) {
    const cycle = views.reduce((ms, v) => ms + v.seconds * 1000, 0);
    let t = (now_ms - started_ms) % cycle;
    if (t < 0) t += cycle;
    for (let index = 0; index < views.length; index++) {
        const ms = views[index].seconds * 1000;
        if (t < ms) {
            return { index, view: views[index], next: views[(index + 1) % views.length], left_ms: ms - t, fraction: t / ms };
        }
        t -= ms;
    }
    throw new RangeError("a rotation needs at least one view");
}

/** Whether two rotations show the same views for the same times (a resent config keeps its place). */
export function same_views(a, b) {
    return a.length === b.length && a.every((v, i) => v.topic === b[i].topic && v.seconds === b[i].seconds);
}
