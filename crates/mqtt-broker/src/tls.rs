//! The optional TLS listener's certificate: read once at start, so a missing or bad file
//! fails the start with its path instead of every handshake.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};

use crate::BrokerError;

/// What the TLS listener accepts connections with.
pub(crate) type Acceptor = tokio_rustls::TlsAcceptor;

/// Where MQTT over TLS is served, and with which certificate.
#[derive(Debug, Clone)]
pub struct TlsConfig {
    /// The TLS listener's address (8883 by convention); port 0 picks a free one
    /// ([`crate::BrokerHandle::tls_addr`] tells which).
    pub addr: SocketAddr,
    /// PEM file of the certificate chain, the server's certificate first.
    pub cert_path: PathBuf,
    /// PEM file of the private key (PKCS#8, PKCS#1 or SEC1).
    pub key_path: PathBuf,
}

impl TlsConfig {
    /// Reads the certificate and key into an acceptor.
    pub(crate) fn acceptor(&self) -> Result<Acceptor, BrokerError> {
        let certificate = |path: &Path, reason: String| BrokerError::Certificate {
            path: path.to_path_buf(),
            reason,
        };
        let chain = CertificateDer::pem_file_iter(&self.cert_path)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|e| certificate(&self.cert_path, e.to_string()))?;
        if chain.is_empty() {
            return Err(certificate(&self.cert_path, "no certificate in it".into()));
        }
        let key = PrivateKeyDer::from_pem_file(&self.key_path)
            .map_err(|e| certificate(&self.key_path, e.to_string()))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|builder| builder.with_no_client_auth().with_single_cert(chain, key))
            .map_err(|e| certificate(&self.key_path, e.to_string()))?;
        Ok(Acceptor::from(Arc::new(config)))
    }
}
