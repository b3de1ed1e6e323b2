import { useState, type ReactNode } from "react";
import { Button } from "./Button";
import { ErrorAlert } from "./form";
import { Modal, ModalActions } from "./Modal";

/** A button that asks before a destructive action and shows its progress and error. */
export function ConfirmButton({
  label,
  title,
  children,
  confirmLabel,
  onConfirm,
  variant = "danger",
  size = "md",
}: {
  label: string;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  variant?: "danger" | "secondary" | "primary";
  size?: "sm" | "md";
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      setOpen(false);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <Button variant={variant} size={size} onClick={(event) => { event.stopPropagation(); setOpen(true); }}>
        {label}
      </Button>
      <Modal open={open} onClose={() => setOpen(false)} title={title}>
        <div className="text-slate-600">{children}</div>
        <div className="mt-3">
          <ErrorAlert error={error} />
        </div>
        <ModalActions>
          <Button onClick={() => setOpen(false)}>Cancel</Button>
          <Button variant={variant === "danger" ? "danger" : "primary"} busy={busy} onClick={confirm}>
            {confirmLabel}
          </Button>
        </ModalActions>
      </Modal>
    </>
  );
}
