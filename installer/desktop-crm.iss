; Inno Setup 6 script of the Windows installer: installs the PyInstaller one-folder bundle
; (dist\desktop-crm, built by installer\desktop-crm.spec) for the current user, without
; administrator rights. From the repository root:
;     iscc /DAppVersion=0.1.0 installer\desktop-crm.iss
; writes dist\installer\desktop-crm-0.1.0-setup.exe. See installer\README.md.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Desktop CRM"
#define AppPublisher "Desktop CRM project"
#define AppExe "desktop-crm.exe"
#define BundleDir "..\dist\desktop-crm"

[Setup]
; never change AppId: it is how an update finds the installed copy
AppId={{6C1E5B4A-7D0F-4C55-9E8B-2B5D3C0A9E17}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
AppCopyright=Copyright (C) {#AppPublisher}
VersionInfoVersion={#AppVersion}
VersionInfoProductVersion={#AppVersion}
VersionInfoCompany={#AppPublisher}
VersionInfoDescription={#AppName} setup
; per-user install: no UAC prompt, into %LOCALAPPDATA%\Programs\Desktop CRM
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist\installer
OutputBaseFilename=desktop-crm-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
; Inno Setup 6 ships Chinese (Simplified) as an unofficial translation: add
; "compiler:Languages\ChineseSimplified.isl" here where it is installed.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autoprograms}\{#AppName} self-test"; Filename: "{cmd}"; Parameters: "/k ""{app}\desktop-crm-cli.exe"" --self-test"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; what the app writes beside itself (PyInstaller leaves none; Python may leave caches)
Type: filesandordirs; Name: "{app}\_internal\__pycache__"

[Code]
{ The user's data (the database, its backups and settings.json) lives outside {app}, where
  platformdirs puts it: %LOCALAPPDATA%\desktop-crm. Before anything is removed, the
  uninstaller asks, with a "Remove my data too" box left unticked; a ticked box is confirmed
  once more. A silent uninstall (/SILENT, /VERYSILENT) always keeps the data. }

var
  RemoveData: Boolean;

function UserDataDir(): String;
begin
  Result := ExpandConstant('{localappdata}\desktop-crm');
end;

function InitializeUninstall(): Boolean;
var
  Form: TSetupForm;
  Info: TNewStaticText;
  Check: TNewCheckBox;
  OkButton, CancelButton: TNewButton;
begin
  Result := True;
  RemoveData := False;
  if UninstallSilent() or not DirExists(UserDataDir()) then
    Exit;
#if Ver >= EncodeVer(6, 6, 0)
  Form := CreateCustomForm(440, 150, False, False);
#else
  Form := CreateCustomForm();
  Form.ClientWidth := ScaleX(440);
  Form.ClientHeight := ScaleY(150);
#endif
  try
    Form.Caption := 'Uninstall {#AppName}';
    Form.Position := poScreenCenter;

    Info := TNewStaticText.Create(Form);
    Info.Parent := Form;
    Info.AutoSize := False;
    Info.WordWrap := True;
    Info.Left := ScaleX(12);
    Info.Top := ScaleY(12);
    Info.Width := Form.ClientWidth - ScaleX(24);
    Info.Height := ScaleY(56);
    Info.Caption := 'Your customers, settings and backups are kept in ' + UserDataDir() +
      ' for a later installation, unless you tick the box below.';

    Check := TNewCheckBox.Create(Form);
    Check.Parent := Form;
    Check.Left := ScaleX(12);
    Check.Top := ScaleY(74);
    Check.Width := Form.ClientWidth - ScaleX(24);
    Check.Height := ScaleY(20);
    Check.Caption := 'Remove my data too (cannot be undone)';
    Check.Checked := False;

    CancelButton := TNewButton.Create(Form);
    CancelButton.Parent := Form;
    CancelButton.Width := ScaleX(85);
    CancelButton.Height := ScaleY(25);
    CancelButton.Left := Form.ClientWidth - CancelButton.Width - ScaleX(12);
    CancelButton.Top := Form.ClientHeight - CancelButton.Height - ScaleY(12);
    CancelButton.Caption := SetupMessage(msgButtonCancel);
    CancelButton.ModalResult := mrCancel;
    CancelButton.Cancel := True;

    OkButton := TNewButton.Create(Form);
    OkButton.Parent := Form;
    OkButton.Width := ScaleX(85);
    OkButton.Height := ScaleY(25);
    OkButton.Left := CancelButton.Left - OkButton.Width - ScaleX(8);
    OkButton.Top := CancelButton.Top;
    OkButton.Caption := 'Uninstall';
    OkButton.ModalResult := mrOk;
    OkButton.Default := True;

    Form.ActiveControl := OkButton;
    if Form.ShowModal() <> mrOk then
    begin
      Result := False;  { the user cancelled: nothing is uninstalled }
      Exit;
    end;
    if Check.Checked then
      RemoveData := MsgBox('This permanently deletes every customer, order, follow-up and ' +
        'setting in' + #13#10 + UserDataDir() + #13#10 + #13#10 + 'Delete them?',
        mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
  finally
    Form.Free();
  end;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and RemoveData then
  begin
    if not DelTree(UserDataDir(), True, True, True) then
      MsgBox('Could not remove ' + UserDataDir() + '. Delete it by hand if you wish.',
             mbInformation, MB_OK);
  end;
end;
