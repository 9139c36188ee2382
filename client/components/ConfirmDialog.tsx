// A modal confirmation on the native <dialog>: focus is trapped and Escape
// cancels, as the platform does it. Used before anything that cannot be undone.
import { useEffect, useRef } from "preact/hooks";

interface Props {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  /** Prefix of the test ids: `<testId>-dialog`, `-ok`, `-cancel`. */
  testId?: string;
}

export function ConfirmDialog({ title, message, confirmLabel, onConfirm, onCancel, testId = "admin-confirm" }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-message"
      data-testid={`${testId}-dialog`}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id="confirm-title">{title}</h2>
      <p id="confirm-message">{message}</p>
      <div class="dialog-actions">
        <button type="button" class="btn btn-ghost" onClick={onCancel} data-testid={`${testId}-cancel`} autoFocus>
          Cancel
        </button>
        <button type="button" class="btn btn-danger" onClick={onConfirm} data-testid={`${testId}-ok`}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
