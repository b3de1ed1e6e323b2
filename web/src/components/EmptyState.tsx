import type { ReactNode } from "react";

/** What to do next when a list is empty: a title, one sentence and the action that fills it. */
export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="flex flex-col items-center gap-2 px-6 py-14 text-center">
      <div className="flex size-10 items-center justify-center rounded-full bg-brand-50 text-brand-600" aria-hidden="true">
        <svg viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="2">
          <path d="M12 5v14M5 12h14" strokeLinecap="round" />
        </svg>
      </div>
      <h3 className="text-base font-semibold text-slate-900">{title}</h3>
      {children && <p className="max-w-md text-slate-500">{children}</p>}
      {action && <div className="mt-2">{action}</div>}
    </div>
  );
}

/** A capability whose API is not in this server yet: said plainly, with no made-up data. */
export function NotAvailable({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-14 text-center" role="note">
      <h2 className="text-base font-semibold text-slate-900">{title} is not available yet</h2>
      <p className="mx-auto mt-2 max-w-lg text-slate-500">{children}</p>
    </div>
  );
}
