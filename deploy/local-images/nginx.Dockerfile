# A local stand-in for nginx:1.27-alpine: Debian's nginx-light (1.22), configured by the file compose mounts into
# /etc/nginx/conf.d/ (Debian's own default site is removed: it listens on port 80 too).
ARG BASE=kassa-base:bookworm
FROM ${BASE}
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx-light \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default \
 && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
EXPOSE 80 443
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
