; Included by electron-builder's NSIS installer (electron-builder.yml nsis.include).
; A per-machine install keeps its data in %ProgramData%\Device Uploader
; (app/host/machine-home.ts), shared by every user of the PC: Users get Modify
; on it, so the queue one user's session created stays writable in the next.
; Untested here (no Windows machine): see docs/MANAGED.md.
!macro customInstall
  CreateDirectory "$COMMONAPPDATA\Device Uploader"
  nsExec::ExecToLog 'icacls "$COMMONAPPDATA\Device Uploader" /grant *S-1-5-32-545:(OI)(CI)M'
!macroend
