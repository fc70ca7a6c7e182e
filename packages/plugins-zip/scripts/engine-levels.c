// Raw engine speed and ratio per engine level on one file (1 MiB read), single thread:
// the evidence behind engine/oneshot.c level_map. Build and run:
//   cc -O2 -o /tmp/engine-levels scripts/engine-levels.c -lz -ldeflate -lisal && /tmp/engine-levels FILE
// (system zlib here, for reference only; the plugin compares against node:zlib in scripts/measure.mjs).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#include <libdeflate.h>
#include <isa-l/igzip_lib.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
 FILE*f=fopen(argv[1],"rb"); size_t n=1<<20; unsigned char*in=malloc(n); n=fread(in,1,n,f);
 size_t cap=n*2; unsigned char*out=malloc(cap); static unsigned char lb[ISAL_DEF_LVL3_DEFAULT];
 for(int l=0;l<=3;l++){ double t0=now(); int it=0; size_t sz=0; while(now()-t0<0.3){ struct isal_zstream s; isal_deflate_stateless_init(&s); s.level=l; s.level_buf=lb; s.level_buf_size=sizeof lb; s.end_of_stream=1; s.next_in=in; s.avail_in=n; s.next_out=out; s.avail_out=cap; isal_deflate_stateless(&s); sz=s.total_out; it++; } double dt=(now()-t0)/it; printf("isal %d: %.0f MB/s ratio %.3f\n",l,n/dt/1e6,(double)n/sz);}
 for(int l=1;l<=12;l++){ struct libdeflate_compressor*c=libdeflate_alloc_compressor(l); double t0=now(); int it=0; size_t sz=0; while(now()-t0<0.3){ sz=libdeflate_deflate_compress(c,in,n,out,cap); it++;} double dt=(now()-t0)/it; printf("libdeflate %d: %.0f MB/s ratio %.3f\n",l,n/dt/1e6,(double)n/sz); libdeflate_free_compressor(c);}
 for(int l=1;l<=9;l++){ double t0=now(); int it=0; uLongf sz=0; while(now()-t0<0.3){ sz=cap; compress2(out,&sz,in,n,l); it++;} double dt=(now()-t0)/it; printf("zlib %d: %.0f MB/s ratio %.3f\n",l,n/dt/1e6,(double)n/sz);}
}
