# Certificate sign-in where the key lives: Rust builds the client assertion and .NET signs it with
# the certificate's own key through a callback, at sign-in and at every renewal mid-run. A key
# that refuses export (NonExportableRsa, standing in for a CNG, smart card or TPM key) works,
# and the emulator verifies every assertion against the registered certificate.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    Import-Module (Join-Path $PSScriptRoot 'Support/EmulatorHarness.psm1') -Force
    if (-not ('EntraRsTests.NonExportableRsa' -as [type])) {
        Add-Type -Path (Join-Path $PSScriptRoot 'Support/NonExportableRsa.cs')
    }

    $ConnectId = 'Microsoft.Graph.Entra.Rs.Cmdlets.ConnectEntraCommand'
    $RevokeId = 'Microsoft.Graph.Entra.Rs.Cmdlets.RevokeEntraUserAllRefreshTokenCommand'
    $Tenant = Get-GraphEmulatorTenantId
    $Emulator = Start-GraphEmulator -Users 1000
    $Env = Add-GraphEmulatorEnvironment -Name 'SigningEmulator' -Emulator $Emulator
    $Users = 1..1000 | ForEach-Object { 'user{0:D6}@contoso.com' -f $_ }

    function New-NonExportableCertificate {
        # A certificate with no private key of its own, and a stand-in key attached to it the
        # way the module looks keys up (CertificateKeys): .NET's CopyWithPrivateKey would export it.
        $full = New-GraphEmulatorCertificate
        $publicOnly = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($full.RawData)
        $key = [EntraRsTests.NonExportableRsa]::new([System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($full))
        $keys = [Microsoft.Graph.Entra.Rs.Native.NativeLibraryResolver].Assembly.GetType('Microsoft.Graph.Entra.Rs.Connection.CertificateKeys', $true)
        $keys.GetMethod('Attach', [System.Reflection.BindingFlags]'NonPublic, Static').Invoke($null, @($publicOnly, $key)) | Out-Null
        [pscustomobject]@{ Certificate = $publicOnly; Key = $key }
    }

    function Get-AssertionSignIns {
        @(Get-GraphEmulatorSignIn -Emulator $Emulator | Where-Object { $_.endpoint -eq 'token' -and $_.credential -eq 'assertion' })
    }
}

AfterAll {
    Disconnect-Entra
    Stop-GraphEmulator $Emulator
}

Describe 'Certificate sign-in with a key that cannot be exported' {
    BeforeEach {
        Reset-GraphEmulator -Emulator $Emulator
        Disconnect-Entra
        $ClientId = [guid]::NewGuid().ToString()
        $Stored = New-NonExportableCertificate
        Register-GraphEmulatorApp -ClientId $ClientId -Certificate $Stored.Certificate -Roles User.RevokeSessions.All -Emulator $Emulator | Out-Null
    }

    It 'is a key that refuses every export, on a certificate without a key of its own' {
        $Stored.Certificate.HasPrivateKey | Should -BeFalse
        # What the module did before: export the key as PKCS#8 to hand it to Rust.
        $refusal = try { $Stored.Key.ExportPkcs8PrivateKey(); $null } catch { $_.Exception.InnerException }
        $refusal | Should -BeOfType ([System.Security.Cryptography.CryptographicException])
        $refusal = try { $Stored.Key.ExportParameters($true); $null } catch { $_.Exception.InnerException }
        $refusal | Should -BeOfType ([System.Security.Cryptography.CryptographicException])
        $Stored.Key.ExportAttempts | Should -Be 2
    }

    It 'signs in: the key signs the assertion, nothing exports it, the emulator verifies it' {
        $exportsBefore = $Stored.Key.ExportAttempts
        Connect-Entra -Environment $Env -ClientId $ClientId -TenantId $Tenant -Certificate $Stored.Certificate -NoWelcome
        (Get-EntraContext).TokenCredentialType | Should -BeExactly 'ClientCertificate'
        $Stored.Key.Signatures | Should -Be 1
        $Stored.Key.ExportAttempts | Should -Be $exportsBefore -Because 'the module never asks for the private key'
        $signIns = Get-AssertionSignIns
        $signIns.Count | Should -Be 1
        $signIns[0].status | Should -Be 200 -Because 'the emulator verified the signature with the registered certificate'
        (Revoke-EntraUserAllRefreshToken -UserId 'AdeleV@contoso.com').Value | Should -BeTrue
    }

    It 'signs the renewal mid-run on a native thread: 1,000 users once each, each assertion verified' {
        Connect-Entra -Environment $Env -ClientId $ClientId -TenantId $Tenant -Certificate $Stored.Certificate -NoWelcome
        $index = 0
        $results = @($Users | ForEach-Object {
                # The token is revoked mid-run: the workers renew it once, which signs a new assertion.
                if (++$index -eq 500) { Invoke-GraphEmulatorTokenExpiry -ClientId $ClientId -Emulator $Emulator | Out-Null }
                $_
            } | Revoke-EntraUserAllRefreshToken -ThrottleLimit 16 -ErrorAction SilentlyContinue -ErrorVariable failed)

        $failed | Should -BeNullOrEmpty
        $results.Count | Should -Be 1000
        (Get-GraphEmulatorStat -Emulator $Emulator).revokedUsers | Should -Be 1000
        [int](Get-GraphEmulatorStat -Emulator $Emulator).byStatus.'401' | Should -BeGreaterThan 0 -Because 'the expiry hit requests in flight'
        $signIns = Get-AssertionSignIns
        $signIns.Count | Should -Be 2 -Because 'the sign-in, then one renewal shared by the workers'
        @($signIns | Where-Object status -ne 200) | Should -BeNullOrEmpty
        $Stored.Key.Signatures | Should -Be 2
        $Stored.Key.ExportAttempts | Should -Be 0
    }

    It 'turns a key that refuses to sign at renewal into a sign-in error per user, and the session goes on' {
        # One-second tokens: after the pause below the token has expired (no timing is asserted),
        # so the next request renews it first, and the key refuses.
        Register-GraphEmulatorApp -ClientId $ClientId -Certificate $Stored.Certificate -Roles User.RevokeSessions.All -TokenLifetimeSeconds 1 -Emulator $Emulator | Out-Null
        Connect-Entra -Environment $Env -ClientId $ClientId -TenantId $Tenant -Certificate $Stored.Certificate -NoWelcome
        $Stored.Key.Refusal = 'The smart card was removed.'
        Start-Sleep -Milliseconds 1500
        $errors = $null
        $results = @($Users | Select-Object -First 20 | Revoke-EntraUserAllRefreshToken -ErrorAction SilentlyContinue -ErrorVariable errors)

        $results | Should -BeNullOrEmpty
        $errors.Count | Should -Be 20
        foreach ($e in $errors) { "$e" | Should -BeLike '*could not sign the client assertion: The smart card was removed.*' }
        @(Get-AssertionSignIns).Count | Should -Be 1 -Because 'a refused signature sends nothing'
        (Get-GraphEmulatorStat -Emulator $Emulator).revokedUsers | Should -Be 0

        # The callback threw inside .NET and nothing crossed the boundary: the same process
        # signs in again once the key works.
        $Stored.Key.Refusal = $null
        Connect-Entra -Environment $Env -ClientId $ClientId -TenantId $Tenant -Certificate $Stored.Certificate -NoWelcome
        (Revoke-EntraUserAllRefreshToken -UserId 'AdeleV@contoso.com').Value | Should -BeTrue
    }

    It 'fails Connect-Entra with the key''s reason when it refuses at sign-in' {
        $Stored.Key.Refusal = 'The key is locked.'
        $err = try { Connect-Entra -Environment $Env -ClientId $ClientId -TenantId $Tenant -Certificate $Stored.Certificate -NoWelcome; $null } catch { $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike "*,$ConnectId"
        "$err" | Should -BeLike '*The key is locked.*'
        Get-EntraContext | Should -BeNullOrEmpty
        @(Get-AssertionSignIns) | Should -BeNullOrEmpty
    }
}
