//! HTTPS served directly (`steward serve --tls-cert FILE --tls-key FILE`): the certificate
//! chain and key read from PEM files and checked against each other before anything is bound,
//! and a listener that hands axum connections once their TLS handshake is done.

use axum::serve::Listener;
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// How long a client has to finish its handshake before the connection is dropped.
const HANDSHAKE: Duration = Duration::from_secs(10);

/// The certificate chain and private key files, as given on the command line.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// A certificate and key that were read and found to belong together, ready to serve with.
#[derive(Clone)]
pub struct TlsConfig(pub(crate) Arc<ServerConfig>);

impl std::fmt::Debug for TlsConfig {
    /// Says nothing of the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsConfig")
    }
}

/// Why the certificate and key cannot be used. Each names the file concerned.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("the TLS {what} file {} cannot be read: {cause}", path.display())]
    Read {
        what: &'static str,
        path: PathBuf,
        cause: io::Error,
    },
    #[error(
        "the TLS certificate file {} holds no certificate in PEM form \
         (-----BEGIN CERTIFICATE-----); {detail}", path.display()
    )]
    NoCertificate { path: PathBuf, detail: String },
    #[error(
        "the TLS key file {} holds no private key in PEM form \
         (such as -----BEGIN PRIVATE KEY-----); {detail}", path.display()
    )]
    NoKey { path: PathBuf, detail: String },
    #[error(
        "the private key in {} does not belong to the certificate in {}",
        key.display(), cert.display()
    )]
    Mismatch { cert: PathBuf, key: PathBuf },
    #[error("the TLS certificate and key cannot be used: {0}")]
    Unusable(rustls::Error),
}

/// What was wrong with a PEM file, in words.
fn pem_problem(e: &rustls::pki_types::pem::Error) -> String {
    match e {
        rustls::pki_types::pem::Error::NoItemsFound => "it holds none".into(),
        other => format!("it is not well-formed: {other}"),
    }
}

/// The file's bytes, read no further than `limits::TLS_FILE`: a certificate chain or a key
/// is a few kilobytes, and a path to something endless must not take the memory.
fn read(what: &'static str, path: &Path) -> Result<Vec<u8>, TlsError> {
    use std::io::Read;
    let failed = |cause| TlsError::Read {
        what,
        path: path.to_path_buf(),
        cause,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| {
            file.take(crate::limits::TLS_FILE + 1)
                .read_to_end(&mut bytes)
        })
        .map_err(failed)?;
    if bytes.len() as u64 > crate::limits::TLS_FILE {
        return Err(failed(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "the file is larger than {}, more than a {what} can be",
                steward_domain::limits::size(crate::limits::TLS_FILE)
            ),
        )));
    }
    Ok(bytes)
}

impl TlsFiles {
    /// The server's TLS configuration: TLS 1.2 and 1.3 on ring, HTTP/1.1 only (the server
    /// speaks nothing else).
    pub fn load(&self) -> Result<TlsConfig, TlsError> {
        let no_cert = |detail: String| TlsError::NoCertificate {
            path: self.cert.clone(),
            detail,
        };
        let cert_pem = read("certificate", &self.cert)?;
        let chain = CertificateDer::pem_slice_iter(&cert_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| no_cert(pem_problem(&e)))?;
        if chain.is_empty() {
            return Err(no_cert(pem_problem(
                &rustls::pki_types::pem::Error::NoItemsFound,
            )));
        }
        let key_pem = read("key", &self.key)?;
        let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| TlsError::NoKey {
            path: self.key.clone(),
            detail: pem_problem(&e),
        })?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(TlsError::Unusable)?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| match e {
                rustls::Error::InconsistentKeys(_) => TlsError::Mismatch {
                    cert: self.cert.clone(),
                    key: self.key.clone(),
                },
                other => TlsError::Unusable(other),
            })?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(TlsConfig(Arc::new(config)))
    }
}

/// A TCP listener whose connections are handed on after their TLS handshake. Handshakes run
/// side by side, so one slow or silent client holds up no one else.
pub struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    handshakes: JoinSet<Option<(TlsStream<TcpStream>, SocketAddr)>>,
}

impl TlsListener {
    pub fn new(tcp: TcpListener, config: &TlsConfig) -> Self {
        TlsListener {
            tcp,
            acceptor: TlsAcceptor::from(config.0.clone()),
            handshakes: JoinSet::new(),
        }
    }

    fn start_handshake(&mut self, stream: TcpStream, peer: SocketAddr) {
        let acceptor = self.acceptor.clone();
        self.handshakes.spawn(async move {
            match tokio::time::timeout(HANDSHAKE, acceptor.accept(stream)).await {
                Ok(Ok(tls)) => Some((tls, peer)),
                // A failed or abandoned handshake is the client's affair: nothing to serve.
                Ok(Err(e)) => {
                    tracing::debug!(error = %e, "TLS handshake failed");
                    None
                }
                Err(_) => None,
            }
        });
    }
}

impl Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            tokio::select! {
                accepted = self.tcp.accept() => match accepted {
                    Ok((stream, peer)) => self.start_handshake(stream, peer),
                    Err(e) => accept_failed(e).await,
                },
                Some(done) = self.handshakes.join_next(), if !self.handshakes.is_empty() => {
                    if let Ok(Some(ready)) = done {
                        return ready;
                    }
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

/// A connection that failed before it was accepted is dropped; anything else (such as running
/// out of file descriptors) pauses accepting for a second rather than spinning.
async fn accept_failed(e: io::Error) {
    use io::ErrorKind::*;
    if matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "could not accept a connection");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
